"""Evidence intake without Flask: storage, validation, OCR, rules, duplicates, documents."""

from uploads.checker import BatchState, Verdict, check_batch, check_screenshot
from uploads.documents import DocumentText, extract_text
from uploads.dupindex import DupIndex, Match
from uploads.rules import TaskRules, build_rules, rules_from_campaign
from uploads.storage import FileStorage, Storage, StoredFile
from uploads.archives import ZipMember, iter_zip
from uploads.validate import DEFAULT_LIMITS, Limits, UploadRefused, sniff, validate_image

__all__ = [
    "BatchState", "DEFAULT_LIMITS", "DocumentText", "DupIndex", "FileStorage", "Limits",
    "Match", "Storage", "StoredFile", "TaskRules", "UploadRefused", "Verdict", "ZipMember",
    "build_rules", "check_batch", "check_screenshot", "extract_text", "iter_zip",
    "rules_from_campaign", "sniff", "validate_image",
]
