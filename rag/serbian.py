"""Questions in Serbian, in either script, with or without diacritics, read into the engine's English.

General Serbian only: the script (Cyrillic to Latin), diacritics, and the words of questions about an evaluation
(question words, statuses, kinds of record, common nouns). Names of bodies and systems come from the glossary,
whose aliases may be Serbian. Words that stay Serbian and that the corpus never uses are left out, so that they
neither search nor count as unknown names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from core.text import CYRILLIC, fold, to_latin
from rag.lexicon import load as load_lexicon

# (folded Serbian pattern, English): the grammar of questions, matched on whole words, case-insensitively.
# The vocabulary (nouns, verbs, adjectives) is the word list `rag/sr_en.tsv` (rag/lexicon.py).
PHRASES: tuple[tuple[str, str], ...] = (
    # (first, on Serbian words only) what a follow-up leans on: an opening "a"/"i"/"pa" (and, but) and the
    # pronouns of what was said before
    (r"^\s*(?:a|i|pa)\b", "and"),
    # ... and one that opens a new question ("koliko X i koliko Y ...", ", a kada ...": "and how many ...")
    (
        r"(?<!ko )(?<!ko je )(?<!sta )(?<!sta je )(?<!kada )(?<!gde )(?<!kako )(?<!zasto )"  # not "ko i kako"
        r"(?:a|i|ali|pa)(?=\s+(?:koliko|kolik\w*|ko|sta|kada|kad|gde|zasto|kako|koj\w*|da li)\b)",
        "and",
    ),
    # "zbog čega", "iz kog razloga" (for what reason), "kako to da" (how come) ask why
    (r"zbog cega|iz (?:kog|kojeg|koga) razloga|kako to da", "why"),
    (r"\b(?:to|tome|toga|taj|tog|njega|nje|njih|njegov\w*|njen\w*|njihov\w*|ga|ih|joj)\b", "it"),
    (r"\b(?:tu|tamo|onde)\b", "there"),
    (
        r"(?:nije|nisu) (?:(?:jos|ni|uopste) )*(?:pokrenut\w*|zapocet\w*|zapoce\w*|realizovan\w*|inicir\w*)",
        "not initiated",
    ),
    (r"nema podataka|bez podataka", "no data"),
    # the plural of a kind of record after a plural word ("koje mere": which measures, not "which measure")
    (r"koje (?:su )?mere", "which measures"),
    (r"sve mere|svih mera|svim merama", "all measures"),
    (r"koliko (?:je |ima )?mera", "how many measures"),
    (r"u toku|u realizaciji|u izradi|u pripremi", "ongoing"),
    (r"(?:da li|je li) (?:je|su|se)|jesu li|da li su|da li je", "was"),  # a yes-no question about a fact
    (r"je li|jel|je l'?", "was"),  # "je li završeno" (is it finished), "jel proradio"
    (r"(?:moze|mogu|mozemo|mozes|moci ce) li", "can"),  # "može li se pristupiti" (can one access)
    (r"(?:ima|imaju|imamo) li", "is there"),  # "ima li eUprava aplikaciju" (is there an app)
    (r"kakv\w*|kakav", "what"),  # "kakav je rezultat" (what is the result)
    (r"da li|dal'?", ""),
    (r"(?:kog|kojeg|koga|kojega) datuma|koji (?:je )?datum|kojim datumom", "on what date"),
    (r"(?:na|u) (?:kom|kome|kojem|kojoj) (?:mestu|poziciji)", "in what place"),  # a rank: "na kom mestu je"
    (r"do kada|dokad|do kog(?:a)? (?:roka|datuma)", "by when"),
    (r"od kada|odkad|otkad|otkada", "since when"),
    (r"koliko dugo|koliko(?= (?:je |su |ce )?traj)", "how long"),  # "koliko je trajala": how long did it last
    (r"koliko(?= (?:je |su |ce )?(?:kost|iznos))", "how much"),  # "koliko košta / je iznosio": how much
    # the future asked by "when": "kada će biti usvojen" (when will it be adopted)
    (r"(?:(?<=kada)|(?<=kad)|(?<=when))\s+(?:ce|cemo|cete)", " will"),
    (r"u odnosu na|u poredjenju sa?|naspram", "compared to"),
    (r"zakljucno (?:sa?|do)", "by"),  # "zaključno sa 2021" (up to and including 2021)
    (r"(?:bolj|losij|slabij|jac|brz|sporij|vec|manj|vis)\w* od", "more than"),
    (r"koliko(?: (?:je|ima|su|bilo))?", "how many"),
    # "šta je urađeno sa X" (what has been done with X) asks what became of X, not for what is completed
    (
        r"sta je sa|sta se desilo sa|sta je bilo sa|sta se dogodilo sa|sta je (?:u)?radjeno sa?",
        "what happened to",
    ),
    (r"sta se (?:desava|dogada|radi) sa", "what is happening with"),
    (r"ko je (?:odgovoran|nadlezan|zaduzen)\w*", "who is responsible for"),
    # "ko je izradio" (who drew up): an l-participle after "ko je" asks who did it, not who someone is
    (r"(?:ko je|ko su)(?! bi[lo])(?= (?:\w+ )?\w+(?:[aeiu]o|l[aie])\b)", "who"),
    (r"ko je|ko su", "who is"),
    (r"kako se zov\w*", "what is the name of"),
    # "kako da zakažem", "kako mogu da prijavim" (a verb in the first person, in -m): how to go about it oneself,
    # read "how do we" (an English "I" would keep every Serbian "i", and, as a word the reading writes)
    (r"kako (?:mogu |bih |cu |cemo |mozemo )?da(?= (?:se )?\w+m\b)", "how do we"),
    (r"(?:posebn|specificn)\w* cilj\w*", "specific objective"),
    (r"opst\w* cilj\w*", "overall objective"),
    (r"dokle (?:se )?(?:stiglo|je stiglo|su stigli)|dokle", "how far progress"),
    (r"da li radi|radi li", "is it working"),
    (r"e-?uprav\w*", "e-Government"),
)
WORDS: tuple[tuple[str, str], ...] = (
    (r"sta|sto", "what"),
    (r"koj\w*", "which"),
    (r"zasto", "why"),
    (r"ko|koga|kome|kim", "who"),  # "koga su intervjuisali" (whom did they interview)
    (r"kada|kad", "when"),
    (r"gde", "where"),
    (r"kako", "how"),
    (r"zavrsen\w*|realizovan\w*|okoncan\w*|sproveden\w*|ispunjen\w*|zavrs\w*", "completed"),
    (r"odusta\w*|napust\w*|obustavljen\w*|ukinut\w*|otkazan\w*", "abandoned"),
    (r"aktivnost|aktivnoscu|aktivnoscom", "activity"),
    (r"aktivnos\w*", "activities"),
    (r"mer[aeiu]|merom|merama|mere", "measure"),
    (r"cilj\w*", "target"),
    (r"indikator\w*|pokazatelj\w*", "indicator"),
    (r"status\w*|stanj\w*", "status"),
    (r"odgovor\w*|nadlez\w*|zaduz\w*", "responsible"),
    (r"broj\w*", "number"),
    (r"godin\w*", "year"),
    (
        r"budzet\w*|troskov\w*|kostal\w*|novac|novca|novcem|novcan\w*|pare|para|parama|sredstv\w*",
        "budget funds",
    ),
    (r"postignut\w*|ostvaren\w*|dostignut\w*", "achieved"),
    (r"preporu\w*", "recommendations"),
    (r"nalaz\w*", "findings"),
    (r"zakljuc\w*", "conclusions"),
    (r"nacrt\w*|napis\w*|priprem\w*|sastav\w*", "draft"),
    (r"ukupno", "in total"),
    (r"kolik\w*", "how much"),  # every form: "kolike su bile nagrade", "koliku ocenu"
    (r"vec", "already"),
    (r"nijedn\w*|nema", "none"),
    (r"nije|nisu|ne|nece", "not"),
    (r"svi|sve|sva|svih|svim|svaki|svaka|svako", "all"),
    (r"samo", "only"),
    (r"najgor\w*|najslabij\w*|najlosij\w*", "worst"),
    (r"najbolj\w*|najuspesnij\w*", "best"),
    (r"najmanj\w*", "least"),
    (r"najvis\w*|najvec\w*", "most"),
)
# "koliko X Y ..." counts the noun phrase right after it (adjectives, then its noun): it ends at a function word,
# a number, or a verb (a participle or adverb in -o, an l-participle, a present tense in -uje/-uju, a common verb).
_COUNTED_SKIP = frozenset(
    "je su ima imaju bilo ukupno tacno otprilike trenutno stvarno sada uopste li".split()
)
_VERB = re.compile(r"(?:o|[iaeu]l[aie]|uje|uju)$")
_COMMON_VERBS = frozenset(
    "ima imaju nema koristi koriste radi rade postoji postoje iznosi iznose kosta kostaju treba preuzima".split()
)


# a share asked in Serbian: "koliko odsto / posto" (what per cent), "procenat", "udeo" (share), "stopa" (rate)
_SHARE_WORDS = re.compile(r"\b(?:procen\w*|procent\w*|odsto|posto|ude[lo]\w*|stop[aeiu])\b|%")


def asks_count(text: str) -> bool:
    """Whether a Serbian question counts things with "koliko" (how many), and asks for no share."""
    folded = fold(to_latin(text)).lower()
    return bool(re.search(r"\bkoliko\b", folded)) and not _SHARE_WORDS.search(folded)


def counted_noun(text: str) -> str:
    """The word a Serbian "koliko" question counts: the last word of the noun phrase after it ("Koliko je
    sajber napada zabeleženo?" -> "napada"); '' when it counts none."""
    tokens = re.findall(r"[\w-]+|[^\w\s]", fold(to_latin(text)).lower())
    for n, token in enumerate(tokens):
        if token != "koliko":
            continue
        i = n + 1
        while i < len(tokens) and tokens[i] in _COUNTED_SKIP:
            i += 1
        start = i
        while i < len(tokens) and i - start < 3:
            word = tokens[i]
            if not word.isalpha() or word in FUNCTION_WORDS or word in _COMMON_VERBS or _VERB.search(word):
                break
            i += 1
        return tokens[i - 1] if i > start else ""
    return ""


# Serbian function words: nothing to search for. Those also in MARKERS tell Serbian from English.
FUNCTION_WORDS = frozenset(
    "sa je su za od li ima bilo bila bio bili bile moze mogu ce se u iz kod ili jos zbog prema pri po "
    "na o do kroz preko ka tokom oko pod nad izmedju to taj ta te tog toga tome tom ovaj ova ovo ovog ove ovih "
    "ovim taj tih oni one ona ono on njih njega nje njegov njegova njen njena njihov njihova njihove svoj svoja "
    "svoje svog mi vi ja smo ste sam si bi biti bude budu cu ces cemo hoce jesu jeste jesam i a ali pa ni niti "
    "kakav kakva kakvo kakve kakvi kakvih neki neka neko nesto tako onda sada sad tada ovde tamo tu ga joj im "
    "ih mu kog kome cemu cega jel da".split()
)
LEXICON = load_lexicon()
ENGLISH = frozenset(  # what a translation writes
    w.lower()
    for e in (
        *(e for _, e in (*PHRASES, *WORDS)),
        *LEXICON.exact.values(),
        *LEXICON.stems.values(),
        *(e for group in LEXICON.phrases.values() for _, e in group),
    )
    for w in e.split()
)
_PHRASES = tuple((re.compile(rf"\b(?:{p})\b", re.I), e) for p, e in PHRASES)
_WORDS = tuple((re.compile(rf"^(?:{p})$", re.I), e) for p, e in WORDS)
# words that only Serbian has among a question's first words: enough to read the question as Serbian
MARKERS = re.compile(
    r"\b(?:sta|zasto|koliko|koliki\w*|kakv\w*|kakav|koj[aeiou]\w*|ko|da li|je li|kada|gde|kako|sa|je|su|za|od|"
    r"nije|nisu|li|ima|bilo|bila|bio|bili|bile|moze|mogu|ce|se|u|iz|kod|ili|jos|vec|nema|zbog|prema|pri|po|"
    # a request's imperative or need: "napisi mi ...", "sastavite ...", "treba mi ..."
    r"napisi|napisite|sastavi|sastavite|pripremi|pripremite|treba|trebam)\b",
    re.I,
)
# Serbian Latin letters: in an English question only in a place's name, so they count as one marker at most
SERBIAN_LETTERS = re.compile(r"[šđčćžŠĐČĆŽ]")


def is_serbian(text: str) -> bool:
    """Cyrillic letters, or at least two Serbian function words (Serbian Latin letters count as one), or one and
    a word the word list reads as English spelt otherwise ("Koliko košta uspostavljanje ...?")."""
    if any(ch in CYRILLIC for ch in text):
        return True
    markers = len(MARKERS.findall(fold(text))) + bool(SERBIAN_LETTERS.search(text))
    return (
        markers >= 2
        or markers == 1
        and any(_serbian_word(w) for w in re.findall(r"[^\W\d_]{4,}", fold(text)))
    )


def _serbian_word(word: str) -> bool:
    """A word of the Serbian word list that English spells otherwise ("uspostavljanje", not "pilots" or "status")."""
    reading = LEXICON.word(word)
    return (
        word.lower() not in ENGLISH
        and reading is not None
        and reading.split()[0].lower()[:4] != word.lower()[:4]
    )


def to_english(
    text: str,
    known: set[str] | dict | None = None,
    tokenize=None,
    cognate: Callable[[str], str | None] | None = None,
    name: Callable[[str], str | None] | None = None,
    unread: list[str] | None = None,
) -> str:
    """The question with its Serbian words read as the engine's English; IDs, numbers and names kept.

    With `known` (the corpus's vocabulary) and its `tokenize`, a word left in Serbian that the corpus never uses
    is read as the corpus's English word spelt nearly alike (`cognate`: "registra" -> "register"), or
    dropped (and put in `unread`, when given); a name as the corpus writes it (`name`: "Valjevu" -> "Valjevo").
    """
    plain = fold(to_latin(text))
    for pattern, english in _PHRASES:
        plain = pattern.sub(f" {english} " if english else " ", plain)
    out: list[str] = []
    tokens = re.findall(r"\d+(?:[.,]\d+)*\.?|[\w'-]+|[?!.,;:]", plain)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (phrase := LEXICON.phrase(tokens, i)) is not None:
            out.append(phrase[1])
            i += phrase[0]
            continue
        i += 1
        word = next((e for p, e in _WORDS if p.match(token)), None)
        if word is not None:
            out.append(word)
        elif token.lower() in ENGLISH or token[0].isdigit() or not token[0].isalnum():
            out.append(token)
        elif token.lower() in FUNCTION_WORDS:
            continue
        elif (reading := LEXICON.word(token)) is not None:
            out.append(reading)
        elif (e_named := _electronic(token)) is not None:
            out.extend([token, e_named])  # the name as written (the glossary may know it), and its English
        elif known is None or tokenize is None:
            out.append(token)
        elif any(t in known for t in tokenize(token)):
            out.append(token)  # a word the corpus uses
        elif "-" in token.strip("-"):  # "hardversko-softverskog": each part on its own
            tokens[i:i] = [part for part in token.split("-") if part]
        elif token[:1].isupper() and name is not None and (corpus_name := name(token)):
            out.append(corpus_name)  # a declined name, as the corpus writes it ("u Valjevu" -> "Valjevo")
        elif token[:1].isupper():  # a name (the glossary reads its aliases), and the English it may spell
            out.extend([token, (cognate(token) if cognate is not None else None) or ""])
        elif cognate is not None and (spelt := cognate(token)):
            out.append(spelt)
        elif unread is not None and len(token) > 3:
            unread.append(token)  # a word nothing reads: dropped, and told to a caller who asks
    words = " ".join(out).split()
    kept = [w for n, w in enumerate(words) if n == 0 or w.lower() != words[n - 1].lower()]  # "IT IT staff"
    return re.sub(r"\s+([?!.,;:])", r"\1", " ".join(kept)).strip()


def _electronic(token: str) -> str | None:
    """'eDostava', 'e-Pisarnica', 'ePapir': Serbian names an electronic service by prefixing its noun with e;
    read as the English the word list gives the noun ('e-delivery', 'e-registry office')."""
    m = re.fullmatch(r"e-?(\w{4,})", token)
    if not m or not (token[1:2].isupper() or token[1:2] == "-"):
        return None
    reading = LEXICON.word(m.group(1))
    return f"e-{reading.split()[0]} {' '.join(reading.split()[1:])}".strip() if reading else None


# Serbian inflectional endings, longest first: what a word sheds before it is compared with English
_ENDINGS = tuple(
    sorted(
        "ovanja ovanje ovima acija aciji acije acijom acijama skih skog skom skoj ska ske ski sko nih nog nom "
        "noj ima ama om og ih oj em a e i u o".split(),
        key=len,
        reverse=True,
    )
)
COGNATE_MIN = (
    0.7  # Dice similarity of letter pairs from which a Serbian stem reads as an English word (fit on
)
# the dev set's 100 Serbian questions: 0.6, 0.7 and 0.8 gave fact accuracy 0.585, 0.598, 0.585)


def _shape(word: str) -> str:
    """A spelling both languages share: lower case, and the letters Serbian writes for English c."""
    return word.lower().replace("k", "c").replace("ij", "i")


def _serbian_stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _pairs(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


# the case endings a Serbian name takes ("u Valjevu", "u Čačku", "iz Kraljeva"), longest first
_NAME_ENDINGS = ("ima", "ama", "om", "em", "u", "a", "e", "i")


def _name_forms(word: str) -> list[str]:
    """What a declined name may be in the nominative: the word, without a case ending or with another, and with
    the "a" that drops out of a last syllable put back ("Čačku" -> čačk -> čačak); folded, lower case."""
    low = fold(to_latin(word)).lower()
    forms = [low]
    for ending in _NAME_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            base = low[: -len(ending)]
            forms += [base, base + "e", base + "o", base + "a"]  # "Valjevu" -> Valjevo, "Vranju" -> Vranje
            if re.search(r"[^aeiou][^aeiou]$", base):
                forms.append(base[:-1] + "a" + base[-1])
                # a consonant unvoiced before the one the "a" stood before is voiced again ("vrapcu" -> vrabac)
                if base[-2] in _VOICED:
                    forms.append(base[:-2] + _VOICED[base[-2]] + "a" + base[-1])
    return forms


# a consonant and its voiced pair, folded ("š" reads "s", so "z" stands for "ž" too)
_VOICED = {"p": "b", "t": "d", "k": "g", "s": "z"}


class Cognates:
    """The English words of a corpus that a Serbian word spells nearly alike ("elektronski" -> "electronic",
    "koncept" -> "concept"): general Serbian spelling against the corpus's own words, no dictionary. And the
    corpus's names a declined Serbian name stands for ("Valjevu" -> "Valjevo")."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.by_start: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
        self.names: dict[str, str] = {}  # a name the corpus writes with a capital, folded -> as written
        seen: set[str] = set()
        for text in texts:
            for word in re.findall(r"[A-Za-z][a-z]{3,}", text):
                low = word.lower()
                if low not in seen:
                    seen.add(low)
                    self.by_start[_shape(low)[:3]].append((low, _pairs(_shape(low))))
            for name in re.findall(r"(?<![\w-])[^\W\d_a-zšđčćž][^\W\d_]{2,}", text):
                self.names.setdefault(fold(name).lower(), name)

    def name(self, word: str) -> str | None:
        """The corpus's name a capitalised Serbian word declines ("Čačku" -> "Čačak"), or None."""
        return next((self.names[f] for f in _name_forms(word) if f in self.names), None)

    def find(self, word: str) -> str | None:
        """The corpus word the Serbian word most likely spells, or None when none is close enough."""
        stem = _shape(_serbian_stem(fold(to_latin(word)).lower()))
        if len(stem) < 4:
            return None
        mine = _pairs(stem)
        best: str | None = None
        score = 0.0
        for english, theirs in self.by_start.get(stem[:3], []):
            dice = 2 * len(mine & theirs) / (len(mine) + len(theirs))
            if dice > score:
                best, score = english, dice
        return best if score >= COGNATE_MIN else None
