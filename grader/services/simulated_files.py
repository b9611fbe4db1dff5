"""Generated screenshots for rehearsals: a small pool of real images the synthetic rows show."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from uploads import synth
from uploads.storage import FileStorage, StoredFile

GOOD, BAD = 4, 2  # images per task in the pool: accepted-looking and rejected-looking


@dataclass
class ImagePool:
    """A few generated screenshots per task, stored once; rows point at them in turn."""

    good: dict[str, list[StoredFile]] = field(default_factory=dict)
    bad: dict[str, list[StoredFile]] = field(default_factory=dict)

    @classmethod
    def make(cls, storage: FileStorage, rng: random.Random, when: datetime) -> "ImagePool":
        """Render and store the pool (a few seconds), from its own seeded generator."""
        own, pool = random.Random(rng.random()), cls()
        for task in ("wechat_share", "app_download"):
            pool.good[task] = [storage.put(shot(own, task, when, False)) for _ in range(GOOD)]
            pool.bad[task] = [storage.put(shot(own, task, when, True)) for _ in range(BAD)]
        return pool

    def pick(self, task: str, bad: bool, i: int) -> StoredFile:
        """Return the pool's image for a row: a rejected-looking one for a rejected row."""
        images = (self.bad if bad else self.good)[task]
        return images[i % len(images)]


def shot(rng: random.Random, task: str, when: datetime, bad: bool) -> bytes:
    """Render one screenshot of a task as a chat app passes it on (JPEG: quick to encode)."""
    if task == "app_download":
        spec = synth.random_app(rng, when, state_text="下载中 45%") if bad else \
            synth.random_app(rng, when)
        return synth.to_jpeg(synth.render_app(spec), 85)
    posted = when - timedelta(days=12) if bad else None
    return synth.to_jpeg(synth.render_share(synth.random_share(rng, when, posted)), 85)
