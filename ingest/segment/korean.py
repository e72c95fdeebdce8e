"""Korean particles (josa) and copula endings that attach to nouns.

"당뇨병은" is "당뇨병" + topic particle "은": spaCy's rule-based Korean
tokenizer keeps them as one token, so both the terminology matcher and the
search tokens strip them. Longer endings come first so that the longest wins.
"""

from __future__ import annotations

import re

_PARTICLES = sorted(
    """
    은 는 이 가 을 를 의 에 와 과 도 로 으로 만 께 랑 이랑 나 이나
    에서 에게 한테 께서 까지 부터 처럼 보다 마다 조차 밖에 이며 며 이고 고
    에는 에서는 에게는 으로는 로는 와는 과는 에도 에서도 으로도 로도 까지는 부터는
    의한 으로의 로의 에의 과의 와의 만의 이다 입니다 이었다 였다 인 이라 이라는 라는 라고 이라고
    """.split(),
    key=len,
    reverse=True,
)
_TRAILING_PARTICLE = re.compile("(?:" + "|".join(_PARTICLES) + ")$")
_WHOLE_PARTICLE = re.compile("(?:" + "|".join(_PARTICLES) + r")[\W_]*$")


def is_particle(text: str) -> bool:
    """True when `text` (what follows a noun inside its token) is a particle or ending."""
    return bool(_WHOLE_PARTICLE.fullmatch(text))


def strip_particle(word: str) -> str:
    """The noun without its trailing particle, keeping at least two syllables.

    The two-syllable floor keeps short nouns such as "나이" (age) whole.
    """
    match = _TRAILING_PARTICLE.search(word)
    if match and match.start() >= 2:
        return word[: match.start()]
    return word
