"""One site of the local test web: its plan (host, languages, page paths) and its pages with their statements.

Used by :func:`analysis.collect.web.testweb.build_test_web`. Each statement placed on a page adds one truth
row (the statement class says its relation type and status, or its look-alike class). Which partner a
statement names depends on its class's ``partner_pool`` (``testweb_statement_classes.csv``):
``public_tie`` a real public US/CN tie of the unit; ``not_a_tie`` a large US/CN place that is no public
partner of the unit (planned ties); ``ended`` a publicly ended tie, else a place that is not a public
partner; ``other_unit_tie`` a real public tie of another EU unit (named in the sentence); the look-alike
pools are large US/CN places, Chinese logistics hubs, US namesakes of European cities, Minneapolis (the
Twin Cities) or only the country (consulates).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

import pandas as pd

from analysis.collect.web import testweb_pages as tp

PARTNER_COUNTRIES = ("US", "CN")
LOOKALIKE_CLASSES = (
    "flight",
    "rail_freight",
    "tourism",
    "consulate",
    "forum",
    "namesake_town",
    "twin_cities_place",
    "named_district",
    "school_twinning",
    "eu_twinning_project",
)
ESTABLISHED_NEWS = ("twin_established", "friendship_established", "agreement_established", "cooperation_established")
PLANNED = ("planned_will_sign", "planned_letter_of_intent", "planned_examining")
ENDED = ("ended_terminated", "ended_suspended", "ended_former")
RESOLUTIONS = ("resolution_established", "resolution_planned", "resolution_ended")
LARGE_PLACES = 40  # size of the pools of large US cities and Chinese prefectures
MAX_LISTED_OTHER_PARTNERS = 8  # European (and other) partners listed beside the US/CN ones
N_ARTICLES = 3


@dataclass
class SiteContext:
    """What every site needs: the gazetteer rows, the units' names, the ties, the partner pools."""

    seed: int
    places: dict[str, dict]  # gazetteer rows (name, alternate_names, admin1_name, country_iso2) by partner_id
    unit_rows: dict[str, dict]  # units (name, alternate_names, country_iso2, unit_type) by unit_id
    ties_by_unit: dict[str, list[dict]]  # public ties by unit_id
    pools: dict[str, list[str]]
    other_unit_ties: dict[str, list[tuple[str, str]]]  # EU country -> [(unit_id, partner_id)] of units not sampled

    @classmethod
    def build(
        cls, units: pd.DataFrame, ties: pd.DataFrame, gazetteer: pd.DataFrame, chosen: pd.DataFrame, rng: random.Random
    ) -> SiteContext:
        columns = ["partner_id", "name", "country_iso2", "level", "admin1_name", "admin1_code", "population"]
        places = gazetteer[gazetteer["country_iso2"].isin(PARTNER_COUNTRIES)]
        places = places.drop_duplicates("partner_id").reindex(columns=[*columns, "alternate_names"]).astype(object)
        ties = ties.astype(object)
        ties = ties[
            ~ties["partner_country_iso2"].isin(PARTNER_COUNTRIES) | ties["partner_id"].isin(places["partner_id"])
        ]
        pools = _partner_pools(places, set(units["name"].astype(str)))
        others = ties[ties["partner_country_iso2"].isin(PARTNER_COUNTRIES) & ~ties["unit_id"].isin(chosen["unit_id"])]
        others = others[others["status"].ne("ended")]
        country_of = dict(zip(units["unit_id"].astype(str), units["country_iso2"].astype(str)))
        others = others[others["unit_id"].isin(country_of)]
        other_unit_ties: dict[str, list[tuple[str, str]]] = {}
        for unit_id, partner_id in zip(others["unit_id"], others["partner_id"]):
            other_unit_ties.setdefault(country_of[unit_id], []).append((unit_id, partner_id))
        mine = ties[ties["unit_id"].isin(chosen["unit_id"])]
        needed = set(mine["partner_id"]) | set(others["partner_id"]) | {p for pool in pools.values() for p in pool}
        places = places[places["partner_id"].isin(needed)]
        unit_rows = units[units["unit_id"].isin(set(chosen["unit_id"]) | set(others["unit_id"]))]
        return cls(
            seed=rng.randrange(2**31),
            places=_records(places, ["name", "alternate_names", "admin1_name", "country_iso2"], places["partner_id"]),
            unit_rows=_records(
                unit_rows, ["name", "alternate_names", "country_iso2", "unit_type"], unit_rows["unit_id"]
            ),
            ties_by_unit={unit: group.to_dict("records") for unit, group in mine.groupby("unit_id", sort=True)},
            pools=pools,
            other_unit_ties=other_unit_ties,
        )


def _partner_pools(places: pd.DataFrame, eu_names: set[str]) -> dict[str, list[str]]:
    """Partner ids of the pools: large US cities and Chinese prefectures, US namesakes of EU places, Minneapolis."""
    cities = places[places["level"].isin(["city", "prefecture"]) & places["population"].notna()]
    cities = cities.sort_values(["population", "partner_id"], ascending=False)
    namesakes = cities[cities["country_iso2"].eq("US") & cities["name"].isin(eu_names)]
    us = cities[cities["partner_id"].str.startswith("us-") & ~cities["partner_id"].isin(namesakes["partner_id"])]
    large_us = list(us["partner_id"][:LARGE_PLACES])
    large_cn = list(cities[cities["partner_id"].str.startswith("cn-")]["partner_id"][:LARGE_PLACES])
    twin_cities = places[places["name"].eq("Minneapolis") & places["admin1_code"].eq("MN")]
    return {
        "large_us": large_us,
        "large_cn": large_cn,
        "large": [place for pair in zip(large_us, large_cn) for place in pair],
        "us_namesake": list(namesakes["partner_id"][:LARGE_PLACES]),
        "twin_cities": list(twin_cities["partner_id"]),
    }


@dataclass
class SitePlan:
    """One site: the unit, its host, languages and the paths of its pages."""

    index: int
    unit_id: str
    host: str
    languages: tuple[str, ...]
    paths: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def url(self, key: str) -> str:
        return self.base + self.paths[key]


def plan_sites(chosen: pd.DataFrame, context: SiteContext) -> list[SitePlan]:
    """Host, languages and page paths of each chosen unit's site (hosts unique, in the order chosen)."""
    plans, used = [], set()
    for index, unit in enumerate(chosen.itertuples(index=False)):
        languages, tld = tp.site_countries()[unit.country_iso2]
        stem = tp.slugify(unit.name)[:40].strip("-") + ("-region" if unit.unit_type == "region" else "")
        host, number = f"www.{stem}.{tld}.test", 2
        while host in used:
            host, number = f"www.{stem}-{number}.{tld}.test", number + 1
        used.add(host)
        plan = SitePlan(index=index, unit_id=unit.unit_id, host=host, languages=languages)
        main = tp.site_words()[languages[0]]
        plan.paths = {
            "home": "/",
            "news": f"/{main['slug_news']}/",
            "international": f"/{main['slug_international']}/",
            "network": f"/{main['slug_international']}/{main['slug_network']}.html",
            "city_hall": f"/{main['slug_city_hall']}/",
            "documents": f"/{main['slug_documents']}/",
            "resolution": f"/{main['slug_documents']}/resolution-{index + 11}-{2015 + index % 10}.pdf",
        }
        for position, language in enumerate(languages):
            words = tp.site_words()[language]
            prefix = "" if position == 0 else f"/{language}"
            plan.paths[f"partners:{language}"] = f"{prefix}/{words['slug_partners']}/"
            articles = N_ARTICLES if position == 0 else 1
            for number in range(articles):
                plan.paths[f"article:{language}:{number}"] = (
                    f"{prefix}/{words['slug_news']}/{2019 + (index + number) % 7}-{number + 1:02d}-{tp.slugify(words['menu_news'])}-{index}.html"
                )
        plans.append(plan)
    return plans


class SiteWriter:
    """Renders the statements and pages of one site into the web's files and truth rows."""

    def __init__(self, plan: SitePlan, context: SiteContext, web, fault_plan) -> None:
        self.plan, self.context, self.web, self.fault_plan = plan, context, web, fault_plan
        self.unit = context.unit_rows[plan.unit_id]
        self.rng = random.Random(f"{context.seed}:{plan.unit_id}")
        self.ties = context.ties_by_unit.get(plan.unit_id, [])
        self.us_cn_ties = [tie for tie in self.ties if tie["partner_country_iso2"] in PARTNER_COUNTRIES]
        self.active_ties = [tie for tie in self.us_cn_ties if tie["status"] != "ended"]
        self.tie_ids = {tie["partner_id"] for tie in self.ties}

    # ----------------------------------------------------------------- names and statements

    def eu_name(self, unit_id: str, language: str) -> str:
        unit = self.context.unit_rows[unit_id]
        return tp.local_name(unit["name"], unit["alternate_names"], language)

    def partner_pick(self, pool: str, taken: set[str]) -> str | None:
        """A partner id from ``pool`` that is no public partner of the unit and not yet used on the site."""
        if pool == "public_tie":
            choices = [tie["partner_id"] for tie in self.active_ties if tie["partner_id"] not in taken]
        elif pool == "ended":
            ended = [tie["partner_id"] for tie in self.us_cn_ties if tie["status"] == "ended"]
            choices = [p for p in ended if p not in taken] or self._not_tie("large", taken)
        else:
            name = {
                "not_a_tie": "large",
                "any_partner": "large",
                "large_city": "large",
                "large_cn_city": "large_cn",
                "large_us_city": "large_us",
            }
            choices = self._not_tie(name.get(pool, pool), taken)
        return self.rng.choice(choices) if choices else None

    def _not_tie(self, pool: str, taken: set[str]) -> list[str]:
        return [p for p in self.context.pools.get(pool, []) if p not in self.tie_ids and p not in taken]

    def statement(
        self,
        statement_class: str,
        language: str,
        url: str,
        *,
        partner_id: str | None,
        unit_id: str | None = None,
        country: str | None = None,
    ) -> str:
        """Fill a template of ``statement_class``, record its truth row, return the sentence."""
        unit_id = unit_id or self.plan.unit_id
        template = self.rng.choice(tp.phrases()[(language, statement_class)])
        place = self.context.places[partner_id] if partner_id else None
        country = country or (place["country_iso2"] if place is not None else "US")
        eu_name = self.eu_name(unit_id, language)
        if statement_class == "twin_cities_place":
            partner_name = "Twin Cities"
        elif place is not None:
            partner_name = tp.local_name(place["name"], place["alternate_names"], language)
        else:
            partner_name = ""
        slots = {
            "eu": eu_name,
            "partner": partner_name,
            "country": tp.country_name(country, language),
            "state": place["admin1_name"] if place is not None else "",
            "year": str(
                self.rng.randrange(1965, 2016) if "ended" not in statement_class else self.rng.randrange(2016, 2025)
            ),
        }
        text = tp.fill(template, slots, language)
        self._truth(url, unit_id, partner_id or "", country, statement_class, language, slots, text)
        return text

    def _truth(self, url, unit_id, partner_id, country, statement_class, language, names, text) -> None:
        """One truth row: the statement class gives relation type, status and look-alike class."""
        meaning = tp.statement_classes()[statement_class]
        self.web.truth.append(
            {
                "url": url,
                "unit_id": unit_id,
                "partner_id": partner_id,
                "partner_country_iso2": country,
                "relation_type": meaning["relation_type"],
                "status": meaning["status"],
                "lookalike_class": meaning["lookalike_class"],
                "language": language,
                "statement_class": statement_class,
                "eu_name": names["eu"],
                "partner_name": names["partner"],
                "evidence": text,
            }
        )

    # ----------------------------------------------------------------- pages

    def write_page(self, key: str, language: str, title: str, body_html: str, *, footer: bool = False) -> None:
        words = tp.site_words()[language]
        menu = [
            (self.plan.paths["news"], words["menu_news"]),
            (self.plan.paths["city_hall"], words["menu_city_hall"]),
            (self.plan.paths["international"], words["menu_international"]),
            (self.plan.paths[f"partners:{language}"], words["menu_partners"]),
            (self.plan.paths["documents"], words["menu_documents"]),
        ]
        url = self.plan.url(key)
        encoding = self.fault_plan.encodings.get(url)
        links = self.fault_plan.links.get(self.plan.host, []) if footer else []
        page = tp.html_page(
            language=language,
            site_name=self.eu_name(self.plan.unit_id, language),
            title=title,
            menu=menu,
            body_html=body_html,
            footer_links=links,
            charset_meta=encoding is None,
        )
        body = page.encode(encoding or "utf-8", errors="xmlcharrefreplace")
        self.web.files[self.plan.host + self._file_path(self.plan.paths[key])] = body

    @staticmethod
    def _file_path(path: str) -> str:
        return path + "index.html" if path.endswith("/") else path

    def partner_page(self, language: str) -> None:
        words, key = tp.site_words()[language], f"partners:{language}"
        url = self.plan.url(key)
        items: list[tuple[str, str]] = []
        for tie in self.active_ties:  # an ended public tie is told as such in the news (the "ended" pool)
            place = self.context.places[tie["partner_id"]]
            name = tp.local_name(place["name"], place["alternate_names"], language)
            country = tie["partner_country_iso2"]
            state = f", {place['admin1_name']}" if country == "US" and place["admin1_name"] else ""
            since = tp.fill(words["since"], {"year": str(self.rng.randrange(1960, 2016))}, language)
            text = f"{name}{state} ({tp.country_name(country, language)}), {since}"
            items.append((name, text))
            self.web.truth.append(
                {
                    "url": url,
                    "unit_id": self.plan.unit_id,
                    "partner_id": tie["partner_id"],
                    "partner_country_iso2": country,
                    "relation_type": "twin",
                    "status": "established",
                    "lookalike_class": "",
                    "language": language,
                    "statement_class": "partner_list_item",
                    "eu_name": self.eu_name(self.plan.unit_id, language),
                    "partner_name": name,
                    "evidence": text,
                }
            )
        others = [tie for tie in self.ties if tie["partner_country_iso2"] not in PARTNER_COUNTRIES]
        for tie in others[:MAX_LISTED_OTHER_PARTNERS]:
            since = tp.fill(words["since"], {"year": str(self.rng.randrange(1960, 2016))}, language)
            country = tp.country_name(tie["partner_country_iso2"], language)
            items.append((tie["partner_name"], f"{tie['partner_name']} ({country}), {since}"))
        intro = tp.fill(words["partner_intro"], {"eu": self.eu_name(self.plan.unit_id, language)}, language)
        listing = "".join(f"<li>{html.escape(text)}</li>" for _, text in sorted(items))
        self.write_page(key, language, words["partner_title"], f"<p>{html.escape(intro)}</p>\n<ul>{listing}</ul>")

    def _other_tie(self, taken: set[str], not_unit: str | None = None) -> tuple[str, str] | None:
        """Another EU unit's real US/CN tie (preferably in the site's country), not yet used on the site."""
        country = self.unit["country_iso2"]
        candidates = self.context.other_unit_ties.get(country) or [
            pair for key in sorted(self.context.other_unit_ties) for pair in self.context.other_unit_ties[key]
        ]
        candidates = [pair for pair in candidates if f"{pair[0]}>{pair[1]}" not in taken and pair[0] != not_unit]
        if not candidates:
            return None
        unit_id, partner_id = self.rng.choice(candidates)
        taken.add(f"{unit_id}>{partner_id}")
        return unit_id, partner_id

    def third_party(self, language: str, url: str, taken: set[str]) -> str | None:
        """A sentence stating another EU unit's real tie."""
        tie = self._other_tie(taken)
        if tie is None:
            return None
        return self.statement("third_party_twin", language, url, partner_id=tie[1], unit_id=tie[0])

    def third_party_pair(self, language: str, url: str, taken: set[str]) -> str | None:
        """One sentence stating the real ties of two other EU units (two truth rows); else a single one."""
        first = self._other_tie(taken)
        second = self._other_tie(taken, not_unit=first[0]) if first else None
        if second is None:
            return (
                self.third_party(language, url, taken)
                if first is None
                else self.statement("third_party_twin", language, url, partner_id=first[1], unit_id=first[0])
            )
        template = self.rng.choice(tp.phrases()[(language, "third_party_pair")])
        slots, rows = {}, []
        for (unit_id, partner_id), suffix in ((first, ""), (second, "2")):
            place = self.context.places[partner_id]
            names = {
                "eu": self.eu_name(unit_id, language),
                "partner": tp.local_name(place["name"], place["alternate_names"], language),
                "country": tp.country_name(place["country_iso2"], language),
            }
            slots.update({f"{key}{suffix}": value for key, value in names.items()})
            rows.append((unit_id, partner_id, place["country_iso2"], names))
        text = tp.fill(template, slots, language)
        for unit_id, partner_id, country, names in rows:
            self._truth(url, unit_id, partner_id, country, "third_party_pair", language, names, text)
        return text

    def sentence(self, statement_class: str, language: str, url: str, taken: set[str]) -> str | None:
        """A statement of ``statement_class`` with a partner from its pool (None when the pool is empty)."""
        pool = tp.statement_classes()[statement_class]["partner_pool"]
        if statement_class == "third_party_pair":
            return self.third_party_pair(language, url, taken)
        if pool == "other_unit_tie":
            return self.third_party(language, url, taken)
        if pool == "country_only":
            return self.statement(
                statement_class, language, url, partner_id=None, country=self.rng.choice(PARTNER_COUNTRIES)
            )
        partner_id = self.partner_pick(pool, taken)
        if partner_id is None:
            return None
        taken.add(partner_id)
        return self.statement(statement_class, language, url, partner_id=partner_id)

    def article(self, key: str, language: str, classes: list[str], taken: set[str]) -> str:
        words, url = tp.site_words()[language], self.plan.url(key)
        sentences = [text for text in (self.sentence(c, language, url, taken) for c in classes) if text]
        sentences.append(words["filler_news"])
        title = " ".join(sentences[0].split()[:7]).rstrip(",.:;") + " …"
        self.write_page(key, language, title, tp.paragraphs(sentences))
        return title

    def resolution(self, language: str, taken: set[str]) -> None:
        """The council resolution (PDF) approving, planning or ending a partnership."""
        words, url = tp.site_words()[language], self.plan.url("resolution")
        statement_class = RESOLUTIONS[self.plan.index % len(RESOLUTIONS)]
        if statement_class == "resolution_established" and not self.active_ties:
            statement_class = "resolution_planned"
        year = 2015 + self.plan.index % 10
        title = tp.fill(
            words["resolution_title"],
            {"number": str(self.plan.index + 11), "year": str(year), "eu": self.eu_name(self.plan.unit_id, language)},
            language,
        )
        operative = self.sentence(statement_class, language, url, taken) or ""
        lines = [title, "", *_wrap(operative, 80), "", words["resolution_closing"]]
        self.web.files[self.plan.host + self.plan.paths["resolution"]] = tp.pdf_document(lines)

    def render(self) -> None:
        """All pages of the site."""
        plan, main = self.plan, self.plan.languages[0]
        taken: set[str] = set()
        lookalikes = [LOOKALIKE_CLASSES[(plan.index * 4 + k) % len(LOOKALIKE_CLASSES)] for k in range(5)]
        first = ESTABLISHED_NEWS[plan.index % 4] if self.active_ties else "passing_mention"
        article_classes = [
            [first, "passing_mention", lookalikes[0]],
            [PLANNED[plan.index % 3], lookalikes[1]],
            [ENDED[plan.index % 3], "third_party_pair", lookalikes[2]],
        ]
        titles = {}
        for language in plan.languages:
            self.partner_page(language)
        for number, classes in enumerate(article_classes):
            titles[f"article:{main}:{number}"] = self.article(f"article:{main}:{number}", main, classes, taken)
        for language in plan.languages[1:]:
            classes = [PLANNED[(plan.index + 1) % 3], lookalikes[4]]
            titles[f"article:{language}:0"] = self.article(f"article:{language}:0", language, classes, taken)
        self.resolution(main, taken)
        self.hub_pages(titles, lookalikes[3], taken)

    def hub_pages(self, titles: dict[str, str], lookalike: str, taken: set[str]) -> None:
        """International, network, city hall, documents, news index and home pages; robots.txt; the seed."""
        plan, main = self.plan, self.plan.languages[0]
        words = tp.site_words()[main]
        international_url = self.plan.url("international")
        sentences = [words["network_intro"]]
        if self.active_ties:
            sentences.append(self.sentence("cooperation_established", main, international_url, taken))
        body = tp.paragraphs([s for s in sentences if s])
        body += f'\n<p><a href="{plan.paths[f"partners:{main}"]}">{html.escape(words["menu_partners"])}</a> · '
        body += f'<a href="{plan.paths["network"]}">{html.escape(words["network_title"])}</a></p>'
        self.write_page("international", main, words["menu_international"], body)
        network_url = self.plan.url("network")
        network = [self.third_party(main, network_url, taken) for _ in range(2)]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in network if s)
        self.write_page(
            "network", main, words["network_title"], f"<p>{html.escape(words['network_intro'])}</p><ul>{items}</ul>"
        )
        city_hall = [words["filler_city_hall"], self.sentence(lookalike, main, self.plan.url("city_hall"), taken)]
        self.write_page("city_hall", main, words["menu_city_hall"], tp.paragraphs([s for s in city_hall if s]))
        pdf_link = (
            f'<ul><li><a href="{plan.paths["resolution"]}">{html.escape(words["menu_documents"])} (PDF)</a></li></ul>'
        )
        self.write_page("documents", main, words["menu_documents"], pdf_link)
        news = "".join(
            f'<li><a href="{plan.paths[key]}">{html.escape(title)}</a></li>' for key, title in titles.items()
        )
        self.write_page("news", main, words["menu_news"], f"<ul>{news}</ul>")
        other_languages = "".join(
            f'<li><a href="{plan.paths[f"partners:{language}"]}">{html.escape(tp.site_words()[language]["menu_partners"])}</a></li>'
            for language in plan.languages[1:]
        )
        self.write_page(
            "home", main, self.eu_name(plan.unit_id, main), f"<ul>{news}{other_languages}</ul>", footer=True
        )
        self.web.seeds.append(
            {
                "unit_id": plan.unit_id,
                "url": plan.base + "/",
                "languages": ";".join(plan.languages),
                "note": "synthetic test web",
            }
        )
        self.web.files[plan.host + "/robots.txt"] = self.fault_plan.robots.get(
            plan.host, "User-agent: *\nDisallow:\n"
        ).encode()


def render_site(plan: SitePlan, context: SiteContext, web, fault_plan) -> None:
    """Write the pages of one site into ``web`` (files, truth rows, seed row)."""
    SiteWriter(plan, context, web, fault_plan).render()


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def _records(table: pd.DataFrame, columns: list[str], keys: pd.Series) -> dict[str, dict]:
    """``{key: {column: value}}`` with missing values (and missing columns) as empty strings."""
    present = table.reindex(columns=columns).astype(object).where(lambda frame: frame.notna(), "")
    return dict(zip(keys.astype(str), present.to_dict("records")))
