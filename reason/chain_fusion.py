"""Position-aware fusion: the local chain's concepts placed into the English chain.

A paired local concept joins its English counterpart's step. An unpaired one is
local knowledge and is never dropped: it goes right after the step that holds the
local concept before it, so that it stays where the local reasoning used it (the
first local concept goes before the step of the first paired one). When nothing
pairs at all, each goes to the relative position in the English chain that it had
in the local one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medkb.reason.chain_pairing import ChainItem, Link


@dataclass
class Step:
    english: ChainItem | None
    local: list[ChainItem] = field(default_factory=list)
    placement: str = ""  # why an unpaired local concept stands here

    @property
    def source(self) -> str:
        return "both" if self.english and self.local else "english" if self.english else "local"

    def texts(self) -> list[tuple[str, str]]:
        """(language, text) of the step's concepts, English first."""
        return ([("en", self.english.text)] if self.english else []) + [(item.lang, item.text) for item in self.local]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "role": (self.english or self.local[0]).role,
            "english": self.english.text if self.english else None,
            "local": [item.text for item in self.local],
            **({"placement": self.placement} if self.placement else {}),
        }


def fuse(english: list[ChainItem], local: list[ChainItem], links: list[Link]) -> list[Step]:
    steps = [Step(item) for item in english]
    home: dict[int, Step] = {}  # local position: the step it joined or made
    for link in links:
        if link.english is not None:
            steps[link.english].local.append(local[link.local])
            home[link.local] = steps[link.english]
    paired_positions = sorted(home)
    for item in local:
        if item.position in home:
            continue
        step, index = _place(item, steps, home, paired_positions, len(local))
        steps.insert(index, step)
        home[item.position] = step
    return steps


def _place(item: ChainItem, steps: list[Step], home: dict[int, Step], paired: list[int], n_local: int) -> tuple[Step, int]:
    if not paired:
        english = [step for step in steps if step.english]
        slot = round(item.position / n_local * len(english))
        index = _index(steps, english[slot]) if slot < len(english) else len(steps)
        return Step(None, [item], f"nothing paired: at the relative position it had in the local chain ({item.position + 1} of {n_local})"), index
    before = home.get(item.position - 1)
    if before is not None:
        return Step(None, [item], f"after {_name(before)}, as in the local chain"), _index(steps, before) + 1
    anchor = home[next(p for p in paired if p > item.position)]  # the first local concept is the only one here
    return Step(None, [item], f"before {_name(anchor)}, as in the local chain"), _index(steps, anchor)


def _index(steps: list[Step], step: Step) -> int:
    return next(i for i, s in enumerate(steps) if s is step)


def _name(step: Step) -> str:
    return repr(step.texts()[0][1])
