"""The campaign file's shape: typed, frozen sections, each default in one place.

Where the scoring engine or the survey package already has a default, it is taken from
there, so the file, the engine and the app cannot drift apart.
"""

import dataclasses
import inspect
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, Strict, StrictBool,
                      field_validator, model_validator)

from grader.eligibility import EDUCATION_ORDER
from grader.models.base import SHANGHAI
from scoring.policy import DEFAULT_TASKS, InterviewPolicy, ReviewPolicy, Round1Policy, Round2Policy
from surveys import all_questions
from surveys.sampling import extra_calls_needed, sample_spot_checks
from surveys.schema import Question

_R1, _R2, _INTERVIEW, _REVIEWS = Round1Policy(), Round2Policy(), InterviewPolicy(), ReviewPolicy()
_EXTRA = inspect.signature(extra_calls_needed).parameters
_SAMPLE = inspect.signature(sample_spot_checks).parameters
_QUESTION = {f.name: f.default for f in dataclasses.fields(Question)}


def _day(value: Any) -> Any:
    """Read a bare date: a TOML date or "YYYY-MM-DD"."""
    if isinstance(value, datetime):
        raise ValueError("must be a date without a time")
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: Any) -> Any:
    """Read a date (a whole Shanghai day) or a date-time (naive means Shanghai)."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=SHANGHAI)).astimezone(SHANGHAI)
    return value


Day = Annotated[date, BeforeValidator(_day)]
Moment = Annotated[datetime | date, BeforeValidator(_moment)]
Count = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Number = Annotated[float, Strict()]
Share = Annotated[float, Strict(), Field(ge=0)]
Rate = Annotated[float, Strict(), Field(ge=0, le=1)]
Names = tuple[str, ...]


class Section(BaseModel):
    """A part of the campaign file: frozen, and unknown keys are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Registration(Section):
    """Who may register, and until when (ages are computed on the end day)."""

    start: Day
    end: Day
    min_age: Count
    max_age: Count
    min_education: str
    declarations: Names

    @field_validator("min_education")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in EDUCATION_ORDER:
            raise ValueError(f"must be one of {', '.join(EDUCATION_ORDER)}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "Registration":
        if self.end < self.start or self.max_age < self.min_age:
            raise ValueError("end must not precede start, nor max_age min_age")
        return self


class Exam(Section):
    """An exam: the best `advance` pass, or everyone at the pass mark when it is 0."""

    date: Day | None = None
    pass_score: Share = 60.0
    advance: Count = 0


class Task(Section):
    """One round-1 task: how many items count, and what screenshots must show."""

    required: Positive
    keywords: Names = ()
    app_names: Names = ()
    success_words: Names = ()
    require_nickname: StrictBool | None = None  # None: the screenshot checker's own default
    max_forms_per_day: Positive | None = None  # survey forms dated one day before a hint


class Round1Weights(Section):
    """Round 1's score weights."""

    timeliness: Share = _R1.weight_timeliness
    quality: Share = _R1.weight_quality
    plan: Share = _R1.weight_plan
    survey: Share = _R1.weight_survey


class Round2Weights(Section):
    """Round 2's score weights."""

    timeliness: Share = _R2.weight_timeliness
    operations: Share = _R2.weight_operations
    activity: Share = _R2.weight_activity
    report_quality: Share = _R2.weight_reports


class FigureCheck(Section):
    """How far a candidate's self-reported trial figure may be from the operator's record.

    A day's figure is flagged for staff when |self-reported - record| is more than both
    `absolute` and `relative` x the record.
    """

    relative: Share = 0.1
    absolute: Share = 1.0


class Reviews(Section):
    """Plan reviews: reviewers per plan, the third-review gap, days to appeal."""

    per_item: Positive = 2
    third_review_gap: Share = _REVIEWS.third_review_gap
    appeal_days: Count = 3


class Criterion(Section):
    """One criterion of a review rubric, scored 0..100."""

    key: str
    name: str
    name_en: str = ""  # the English label; the Chinese name stands in when it is empty
    weight: Share


class SpotCheck(Section):
    """Phone spot checks of survey forms."""

    per_candidate: Count = _SAMPLE["per_candidate"].default
    shrinkage_k: Share = _R1.shrinkage_k
    extra_threshold: Share = _EXTRA["threshold"].default
    extra_calls: Count = _EXTRA["extra"].default
    tolerances: dict[str, Share] = Field(default_factory=lambda: {"household_size": 1.0})


class SurveyQuestion(Section):
    """An extra survey question; defaults are the survey package's."""

    name: str
    zh: str
    kind: str = _QUESTION["kind"]
    required: StrictBool = _QUESTION["required"]
    choices: Names = _QUESTION["choices"]
    low: Number | None = _QUESTION["low"]
    high: Number | None = _QUESTION["high"]
    example: str = _QUESTION["example"]
    aliases: Names = _QUESTION["aliases"]
    en: str = _QUESTION["en"]  # the English label; the Chinese header stands in when it is empty

    def question(self) -> Question:
        """Return the survey package's question."""
        return Question(**self.model_dump())

    @model_validator(mode="after")
    def _usable(self) -> "SurveyQuestion":
        self.question()
        return self


class Survey(Section):
    """The survey task's scoring: the prior confirmation rate p0, fixed before round 1 opens."""

    prior: Rate = _R1.survey_prior if _R1.survey_prior is not None else 0.9


class Round1(Section):
    """Round 1: tasks, their window, weights, reviews, spot checks, survey questions."""

    start: Moment
    end: Moment
    advance: Count = _R1.advance
    tasks: dict[str, Task]
    weights: Round1Weights = Round1Weights()
    reviews: Reviews = Reviews()
    plan_rubric: tuple[Criterion, ...] = ()
    spot_check: SpotCheck = SpotCheck()
    survey: Survey = Survey()
    survey_questions: tuple[SurveyQuestion, ...] = ()

    @field_validator("tasks")
    @classmethod
    def _known_tasks(cls, value: dict[str, Task]) -> dict[str, Task]:
        if set(value) != set(DEFAULT_TASKS):
            raise ValueError(f"the tasks must be exactly {', '.join(DEFAULT_TASKS)}")
        return value

    @model_validator(mode="after")
    def _distinct_questions(self) -> "Round1":
        all_questions(q.question() for q in self.survey_questions)
        return self


class Round2(Section):
    """Round 2, the trial: day 1 starts at `start`; no `end` means `days` days."""

    start: Moment
    end: Moment | None = None
    days: Positive = _R2.days
    advance: Count = _R2.advance
    reviews_per_report: Positive = 1
    weights: Round2Weights = Round2Weights()
    report_rubric: tuple[Criterion, ...] = ()
    figure_check: FigureCheck = FigureCheck()


class Interview(Section):
    """The interview days (one day when no end is given) and how many are selected."""

    start: Day
    end: Day
    advance: Count = _INTERVIEW.advance

    @model_validator(mode="before")
    @classmethod
    def _one_day(cls, data: Any) -> Any:
        if isinstance(data, dict) and "end" not in data and "start" in data:
            return {**data, "end": data["start"]}
        return data


class Signing(Section):
    """The last day a selected partner may sign."""

    deadline: Day


class OperatorSupport(Section):
    """What the operator (阿里巴巴) provides each partner's shop: things per site and a loan."""

    name: str = "阿里巴巴"
    name_en: str = "Alibaba"      # the name on English pages and exports
    computers: Count = 1          # 店铺电脑, per site
    signs: Count = 1              # 门头, per site
    fitout_standard: str = "室内软装修（文化墙）"  # the operator's interior fit-out, per site
    fitout_standard_en: str = "interior fit-out (culture wall)"
    startup_loan: Count = 10000   # 创业贷款 at signing (yuan)
    startup_loan_max: Count = 60000  # up to this later, by how the shop does

    @model_validator(mode="after")
    def _loan_ordered(self) -> "OperatorSupport":
        if self.startup_loan_max < self.startup_loan:
            raise ValueError("startup_loan_max must not be below startup_loan")
        return self


class Support(Section):
    """What the county gives each partner (yuan), and the operator's part beside it."""

    fitout_subsidy: Count = 0
    living_subsidy_by_year: tuple[Count, ...] = ()
    opening_goods: Count = 0
    trainings_per_year: Count = 2
    training_cost_per_year: Count = 400
    operator: OperatorSupport = OperatorSupport()


class Publicity(Section):
    """The public announcement (公示) of each stage: how long objections are open, and to whom."""

    days: Positive = 5  # from the stage's publication
    contact: str = ""  # who takes objections besides the form: office, telephone, address

class Stations(Section):
    """Station allocation (选点, 服从调剂): how far a township without coordinates counts."""

    unknown_distance_km: Count = 100  # a township whose seat staff have not entered


class Duties(Section):
    """Each township's publicity duties per village (宣传发动): photos needed for each."""

    slogans_large_village: Count = 5  # 固定标语：大村5条
    slogans_small_village: Count = 3  # 小村3条
    banners_per_village: Count = 3  # 横幅每村3条
    notice_board: Count = 1  # 公示栏张贴招募公告
    qr_code: Count = 1  # 广告投放一律加附二维码


class CampaignSettings(Section):
    """The whole campaign file."""

    name: str = ""
    name_en: str = ""  # the English name; the Chinese name stands in when it is empty
    county: str = ""
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    enforce_windows: StrictBool = False  # close registration and round-1 uploads at end dates
    registration: Registration
    online_exam: Exam = Exam()
    onsite_test: Exam = Exam()
    round1: Round1
    round2: Round2
    interview: Interview
    signing: Signing
    support: Support = Support()
    publicity: Publicity = Publicity()

    stations: Stations = Stations()
    duties: Duties = Duties()
