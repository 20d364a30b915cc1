"""Plain words officials use, mapped to the report's own terms and abbreviations.

Every right-hand side is a term that the corpus itself uses (its abbreviations, the names it
gives institutions and systems); the left-hand sides are everyday names for the same things.
"""
from __future__ import annotations

import re
from functools import lru_cache

EXPANSIONS: tuple[tuple[str, str], ...] = (
    # systems and services
    (r"filing office|registry office|registration office|e-?office|document registry|incoming mail", "e-Registry Office Register Office e-Archive"),
    (r"support line|help ?line|hotline|call cent(?:re|er)|phone support|user support|helpdesk|help desk", "contact centre help-desk support to e-Government users"),
    (r"smart ?phones?|mobile phones?|(?:from|on|with) (?:my|a|your|their) phones?|tablets?|(?:mobile|phone|smartphone) apps?", "mobile devices smartphones tablets dedicated app"),
    (r"farm(?:er)?s?'? regist|agricultural holdings?|farms? record", "e-Agrar Register of Agricultural Farms"),
    (r"single (?:point|window|counter)|one[- ]stop|all in one place", "one stop shop one-stop-shop"),
    (r"server rooms?|data cent(?:re|er)s?|hosting|storage cent", "Data Centre Kragujevac State Data Management and Storage Centre"),
    (r"cloud", "cloud platform migration Data Centre"),
    (r"cyber|hack(?:ing|ers)?\b|security incidents?|infosec", "information security ICT security cyber exercises"),
    (r"penetration test|pen[- ]?test|vulnerabilit|weakness|probed|security (?:audit|check)s?",
     "ICT information security testing information security tests"),
    (r"\bre-?us(?:e|able|ing)\b|public sector information|free(?:ly)? (?:to|for) (?:re-?)?use",
     "open data re-use of public sector information datasets Open Data Portal"),
    (r"e-?signatures?|digital signatures?|e-?seals?|e-?stamps?", "electronic signature electronic seal qualified e-stamps"),
    (r"mailbox|inbox|e-?delivery|electronic delivery|digital post", "unique electronic mailbox e-Delivery qualified electronic delivery"),
    (r"smart (?:city|cities)|e-?city|digital (?:city|town)", "smart city e-City"),
    (r"hackathons?|datathons?|open data week|competitions?", "hackathons datathons Open Data Week Open Data Challenge"),
    (r"open data|data portal|datasets?", "Open Data Portal data.gov.rs datasets open data"),
    (r"e-?government portal|citizen portal|euprava|state portal", "e-Government Portal euprava.gov.rs"),
    (r"catalog(?:ue)?s?\b|inventor(?:y|ies)|directory|list of all", "register records Metaregister"),
    (r"paperwork|red tape|bureaucra|formalit", "administrative procedures"),
    (r"tech (?:people|staff|workers)|techies|engineers", "IT staff IT experts human resources"),
    (r"administrative procedures? register|register of procedures|procedures? registry", "Public Register of Administrative Procedures"),
    (r"\bid cards?|\blog ?in|authenticat|e-?identification", "electronic identification e-authentication eid.gov.rs"),
    (r"courts?|judicia|judges?|e-?justice", "judicial e-Justice courts e-Court"),
    (r"inspect", "inspection e-Inspector Administrative Inspectorate"),
    (r"trainings?|courses?|upskilling|skills", "training National Academy for Public Administration NAPA civil servants"),
    (r"it (?:staff|people|experts|specialists|workers)|ict staff|programmers", "IT staff IT experts human resources salaries"),
    (r"money|financ|funding|funds|budget|costs?|spend|paid for", "funds funding financing budget"),
    (r"municipalit|local governments?|towns?|cities|local authorit", "LSGs local self-governments LSG"),
    (r"address(?:es)? regist|street names?|house numbers?|\baddresses\b", "Address Register Register of Spatial Units RGA"),
    (r"security operations? cent(?:re|er)|emergency response team|incident response|\bsoc\b|\bcert\b",
     "SOC Security Operation Centre CERT Centre for Security of ICT systems"),
    (r"population regist|citizen regist", "Central Population Register"),
    (r"social card|welfare", "Social Card SOZIS social welfare"),
    (r"business regist|company regist", "Business Registers Agency BRA"),
    (r"cadast|land regist|property regist|real estate", "Real Estate Cadastre Property Register RGA"),
    (r"ministry of public administration|public administration ministry", "MPALSG Ministry of Public Administration and Local Self-Government"),
    (r"it office|ite office|office for it|government it office", "ITE Office for IT and e-Government"),
    (r"network|connectivity|links?\b|nodes?\b", "Unified Information and Communication Network JIK redundant nodes"),
    (r"awareness|promot|campaign|publicity|popularis", "affirmation promotion awareness raising popularisation"),
    (r"satisfaction|feedback|user experience", "user satisfaction measuring satisfaction"),
    (r"artificial intelligence|\bai\b|machine learning", "artificial intelligence AI platform Smart Serbia"),
    (r"gender|women|equality", "gender equality horizontal issues"),
    (r"e-?democracy|participation|consultation|take part in (?:decision|policy)|have (?:a|their) say|citizen (?:engagement|involvement)",
     "e-Democracy e-Consultation Portal participation"),
    (r"\bpay(?:ing|ment|ments)?\b|\bfees?\b|\bcharges\b|\breceipts?\b", "electronic payment e-Payment fees"),
    (r"sign(?:ing)? (?:documents?|online|electronically|remotely)|without (?:a )?(?:physical )?card|card reader",
     "e-Signature signature in the cloud qualified electronic certificate"),
    (r"two[- ](?:step|factor)|2fa|extra security step|second factor|multi[- ]factor", "two-factor identification multi-factor identification"),
    (r"interview|respondent|stakeholder", "interviews interviewees respondents institutions"),
)
STATUS_WORDS: tuple[tuple[str, str | tuple[str, ...]], ...] = (
    # "not implemented", "incomplete": every status short of completed (before "completed" can match)
    (r"\bnot (?:yet )?(?:been )?(?:implemented|realised|realized|achieved|delivered|carried out|accomplished|fulfilled|done)\b"
     r"|\bincomplete\b|\buncompleted\b|\bnever (?:completed|implemented|finished)\b", ("ongoing", "not initiated", "abandoned")),
    (r"abandon|dropp|scrap|cancel|halt|stopp|given up|gave up|shelved|discontinu|failed|fell through", "abandoned"),
    (r"not (?:yet )?(?:been )?(?:initiated|started|begun|launched)|never (?:started|began|begun|initiated)|didn'?t start|did not start|no progress", "not initiated"),
    (r"ongoing|on-?going|in progress|underway|under way|still running|continu|unfinished|not (?:yet )?(?:finished|complete)", "ongoing"),
    (r"complet|finish|accomplish|done\b|delivered|achieved|implemented|fulfilled", "completed"),
    (r"no status|status (?:is )?(?:blank|empty|missing)|blank status|without (?:a )?status|status (?:cell )?(?:not )?filled|not filled", "unknown"),
    (r"no data|missing data|not reported|no information", "no data"),
)
_COMPILED = tuple((re.compile(p, re.I), e) for p, e in EXPANSIONS)
_STATUS = tuple((re.compile(p, re.I), s) for p, s in STATUS_WORDS)


def expand(question: str) -> str:
    """The question with the corpus's own terms added for every everyday name it uses."""
    extra = [e for pattern, e in _COMPILED if pattern.search(question)]
    return question + (" " + " ".join(extra) if extra else "")


@lru_cache(maxsize=4096)
def synonym_map(question: str) -> dict[str, frozenset[str]]:
    """For each word of an everyday name in the question, the tokens of the report's terms for it."""
    from rag.tokenize import tokenize

    out: dict[str, set[str]] = {}
    for pattern, terms in _COMPILED:
        for m in pattern.finditer(question):
            for word in tokenize(m.group(0)):
                out.setdefault(word, set()).update(tokenize(terms))
    return {word: frozenset(terms) for word, terms in out.items()}


def statuses_named(question: str) -> list[str]:
    """Canonical statuses a question names ('dropped' -> abandoned), in order, first match wins per status."""
    found: list[str] = []
    text = question
    for pattern, named in _STATUS:
        if pattern.search(text):
            found.extend(s for s in ((named,) if isinstance(named, str) else named) if s not in found)
            text = pattern.sub(" ", text)  # "not initiated" must not also count as "initiated"/"completed"
    return found

# The matrix names responsible entities by abbreviation; the report spells them out elsewhere.
ENTITIES: dict[str, str] = {
    "ITE": r"\bITE\b|office for (?:information technolog\w*|it)\b|it office|ite office",
    "MPALSG": r"\bMPALSG\b|ministry of (?:public|state) administration|public administration ministry|\bMDULS\b",
    "MLEVSA": r"\bMLEVSA\b|ministry of labou?r|social affairs ministry|social (?:affairs|policy) ministry|veterans",
    "PPS": r"\bPPS\b|secretariat for public polic",
    "JA": r"\bJA\b|judicial academy",
    "MJ": r"\bMJ\b|ministry of justice|justice ministry",
    "RGA": r"\bRGA\b|geodetic",
    "MD": r"\bMD\b|ministry of defen[cs]e|defen[cs]e ministry",
    "BRA": r"\bBRA\b|business registers? agency",
    "NAPA": r"\bNAPA\b|\bNAJU\b|national academy",
    "MTTT": r"\bMTTT\b|ministry of trade|telecommunications ministry",
    "Ministry of Agriculture": r"ministry of agriculture|agriculture ministry",
}
_ENTITIES = {k: re.compile(v, re.I) for k, v in ENTITIES.items()}
# The matrix's abbreviations spelled out as the report writes the names elsewhere, for answers.
SPELLED_OUT: dict[str, str] = {
    "ITE": "Office for Information Technologies and e-Government",
    "MPALSG": "Ministry of Public Administration and Local Self-Government",
    "MLEVSA": "Ministry of Labour, Employment, Veterans and Social Affairs",
    "PPS": "Public Policy Secretariat of the Republic of Serbia",
    "JA": "Judicial Academy",
    "MJ": "Ministry of Justice",
    "RGA": "Republic Geodetic Authority",
    "MD": "Ministry of Defence",
    "BRA": "Business Registers Agency",
    "NAPA": "National Academy for Public Administration",
    "MTTT": "Ministry of Trade, Tourism and Telecommunications",
}


def spell_out(name: str) -> str:
    """'JA' -> 'JA (Judicial Academy)', 'ITE Office' -> 'ITE Office (Office for ...)'; other names as they are."""
    head = name.strip().split(" ")[0]
    full = SPELLED_OUT.get(head)
    return f"{name.strip()} ({full})" if full and full.lower() not in name.lower() else name.strip()


def entities_named(question: str) -> list[str]:
    """Responsible entities (as the matrix abbreviates them) that a question names."""
    return [abbr for abbr, pattern in _ENTITIES.items() if pattern.search(question)]
