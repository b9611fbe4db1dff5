"""Survey forms without Flask: import, checks, spot-check sampling, back-check comparison."""

from surveys.backcheck import BackcheckSpec, Comparison, OkRange, compare
from surveys.checks import CheckConfig, RowResult, check_rows
from surveys.errorrates import error_rates, report
from surveys.phones import normalise_phone, phone_info
from surveys.quality import (OUTCOMES, AnswerCheck, CallTally, Tolerance, answers_agree,
                             cohort_rate, compare_answers, confirmation_rate, survey_qualities,
                             survey_quality)
from surveys.sampling import (SpotCheck, draw_order, extra_calls_needed, next_replacement,
                              sample_spot_checks, spot_check_pool)
from surveys.schema import (BASE_QUESTIONS, CellError, Question, SheetError, SurveyRow,
                            all_questions, parse_record)
from surveys.sheets import ImportResult, import_sheet, read_records, read_table, write_template_xlsx

__all__ = [
    "BASE_QUESTIONS", "OUTCOMES", "AnswerCheck", "BackcheckSpec", "CallTally", "CellError",
    "CheckConfig", "Comparison", "ImportResult", "OkRange", "Question", "RowResult",
    "SheetError", "SpotCheck", "SurveyRow", "Tolerance", "all_questions", "answers_agree",
    "check_rows", "cohort_rate", "compare", "compare_answers", "confirmation_rate",
    "draw_order", "error_rates", "extra_calls_needed", "import_sheet", "next_replacement",
    "normalise_phone", "parse_record", "phone_info", "read_records", "read_table", "report",
    "sample_spot_checks", "spot_check_pool", "survey_qualities", "survey_quality",
    "write_template_xlsx",
]
