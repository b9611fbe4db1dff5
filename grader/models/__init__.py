"""Typed models; importing this package registers every table on Base.metadata."""

from grader.db import Base
from grader.models.audit import AuditLog
from grader.models.candidate import STAGES, Candidate
from grader.models.evidence import Appeal, CheckOutbox, EvidenceItem
from grader.models.duty import DutyPhoto, Village
from grader.models.exam import ExamImport
from grader.models.objection import Objection
from grader.models.outside import ChannelRecord, OperatorFigure, TableUpload
from grader.models.review import Ranking, RankingEntry, Review
from grader.models.round2 import (DailyReport, GroupActivity, GroupMemberLink, InterviewPanel,
                                  InterviewPanelMember, InterviewScore, InterviewSlot, ReportPhoto,
                                  Signing)
from grader.models.survey import OUTCOMES, SharedPhoneDecision, SpotCheck, SurveyForm
from grader.models.station import StationAllocation, StationSite
from grader.models.township import Township
from grader.models.user import ROLES, User
from grader.models.withdrawal import Notice, NoticeRecipient, ReplacementOffer, Withdrawal

__all__ = ["Base", "Appeal", "AuditLog", "Candidate", "ChannelRecord", "CheckOutbox", "DailyReport", "EvidenceItem", "ExamImport",
           "GroupActivity", "GroupMemberLink", "InterviewPanel", "InterviewPanelMember",
           "InterviewScore", "InterviewSlot", "Objection", "OUTCOMES", "OperatorFigure", "Ranking",
           "RankingEntry", "ReportPhoto", "Review",
           "STAGES", "ROLES", "SharedPhoneDecision", "Signing", "SpotCheck", "SurveyForm",
           "StationAllocation", "StationSite", "TableUpload", "Township", "User", "DutyPhoto",
           "Village", "Notice", "NoticeRecipient", "ReplacementOffer", "Withdrawal"]
