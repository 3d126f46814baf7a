"""The verification pipeline as named SQL steps, built here and run by a linkage backend.

Tables the backend provides before the steps run: ``voters_raw`` and ``signatures_raw``
(the files, columns as in :mod:`calexit.petition.schema`) and ``name_forms`` (name,
form) from :func:`normalise.first_name_forms`. Each step creates one table; the
probabilistic step (Splink) runs between :func:`exact_steps` and :func:`decision_steps`
and leaves ``probabilistic_pairs`` (signature_id, voter_key, match_probability).

Where the steps stand in law: a signature is valid only if the signer was registered,
at signing, in the county of the section, at the address given (Elections Code 105, with
its tolerances for unit, street form and city), and has not signed before.
"""

from __future__ import annotations

from dataclasses import dataclass

from calexit.petition.matching import normalise as n
from calexit.petition.matching.normalise import Dialect


@dataclass(frozen=True)
class Step:
    table: str
    sql: str
    view: bool = False
    """A view is computed where it is read, never stored (cheap keys over 23 million rows
    cost more to write than to recompute)."""


def _text(dialect: Dialect) -> str:
    return "varchar" if dialect == "duckdb" else "string"


def _forms(column: str, dialect: Dialect) -> str:
    """The array of forms of a cleaned first name (itself first), ``g.forms`` joined in."""
    if dialect == "duckdb":
        return f"list_distinct(list_prepend({column}, coalesce(g.forms, [])))"
    return f"array_distinct(concat(array({column}), coalesce(g.forms, array())))"


def _street_words(column: str, dialect: Dialect) -> str:
    pairs = ", ".join(f"'{word}', '{short}'" for word, short in n.street_words() if word != short)
    if dialect == "duckdb":
        mapping = (
            "MAP {"
            + ", ".join(f"'{word}': '{short}'" for word, short in n.street_words() if word != short)
            + "}"
        )
        return (
            f"array_to_string(list_transform(string_split({column}, ' '), "
            f"lambda w: coalesce({mapping}[w], w)), ' ')"
        )
    return (
        f"array_join(transform(split({column}, ' '), "
        f"w -> coalesce(element_at(map({pairs}), w), w)), ' ')"
    )


def _clean_street(column: str, dialect: Dialect) -> str:
    cleaned = n.clean_text(column, dialect)
    without_unit = n._replace_all(cleaned, " (APT|UNIT|STE|SUITE|NO|NUMBER) .*$", "", dialect)
    return _street_words(without_unit, dialect)


def _initial(column: str) -> str:
    return f"substr({column}, 1, 1)"


def _name_and_address(dialect: Dialect) -> str:
    """The normalised columns both sides share: names, house number, street, zip."""
    return f"""{n.clean_name("first_name", dialect)} as first_n,
               {n.clean_name("middle_name", dialect)} as middle_n,
               {n.last_name("last_name", dialect)} as last_n,
               {n.house_number("house_number", dialect)} as house_n,
               {_clean_street("street", dialect)} as street_n,
               {n.zip5("zip", dialect)} as zip_n"""


def _normalised_voters(dialect: Dialect, where: str) -> str:
    text = _text(dialect)
    return f"""
        select voter_id || '@' || cast(cast(registered_on as date) as {text}) as voter_key,
               cast(voter_id as {text}) as voter_id, county,
               cast(registered_on as date) as registered_on,
               cast(cancelled_on as date) as cancelled_on,
               {_name_and_address(dialect)}
        from voters_raw where {where}"""


def _cheap(column: str, dialect: Dialect) -> str:
    """A key computed on every voter row without regular expressions: upper case, trimmed."""
    return f"upper(trim(cast({column} as {_text(dialect)})))"


def signature_steps(dialect: Dialect) -> list[Step]:
    """Normalised signatures, with the first-name forms each could take."""
    text = _text(dialect)
    signatures = f"""
        select cast(signature_id as {text}) as signature_id, county,
               cast(signed_on as date) as signed_on,
               coalesce(cast(withdrawn as boolean), false) as withdrawn,
               coalesce(cast(examiner_mismatch as boolean), false) as examiner_mismatch,
               row_number() over (order by county, section, cast(line as bigint), signature_id)
                   as filing_order,
               {_cheap("last_name", dialect)} as last_key,
               {_name_and_address(dialect)}
        from signatures_raw"""
    collect = "list(form)" if dialect == "duckdb" else "collect_list(form)"
    grouped = f"select name, {collect} as forms from name_forms group by name"
    with_forms = f"""
        select s.*, {_forms("s.first_n", dialect)} as first_forms,
               (s.house_n <> '' and s.street_n <> '') as has_address
        from signatures_n0 s left join name_forms_grouped g on g.name = s.first_n"""
    return [
        Step("signatures_n0", signatures),
        Step("name_forms_grouped", grouped),
        Step("signatures_n", with_forms),
    ]


def voter_key_steps(dialect: Dialect) -> list[Step]:
    """Cheap keys on every registration (no regular expressions), as the view ``voter_keys``:
    the scans that filter on them never write all 23 million rows."""
    cheap_keys = f"""
        select voter_id, county, {_cheap("house_number", dialect)} as house_key,
               substr({_cheap("zip", dialect)}, 1, 5) as zip_key,
               {_cheap("last_name", dialect)} as last_key,
               {_cheap("first_name", dialect)} as first_key,
               substr({_cheap("middle_name", dialect)}, 1, 1) as middle_key,
               split_part({_cheap("street", dialect)}, ' ', 1) as street_key
        from voters_raw"""
    return [Step("voter_keys", cheap_keys, view=True)]


def address_candidate_steps(dialect: Dialect, *, filter_candidates: bool = True) -> list[Step]:
    """Only registrations that could be a signer at the address given are normalised.

    Every later rule needs the house number to agree (the exact keys, Splink's blocking),
    so a voter is a candidate when the voter file's house number and zip, or county, house
    number and last name, equal a signature's. The voter file's own fields are compared
    as stored (trimmed, upper case): the Secretary of State's extracts keep the house
    number and zip in fields of their own. A candidate's other registrations come too.
    """
    keys_a = """select distinct house_n, zip_n from signatures_n
                where house_n <> '' and zip_n <> ''"""
    # Without a zip: county, number and the street's first word (a misspelt name), or
    # number and name statewide (a wrong-county signer).
    keys_c = """select distinct county, house_n, split_part(street_n, ' ', 1) as street_key
                from signatures_n where house_n <> '' and zip_n = '' and street_n <> ''"""
    # County, number and name; statewide when the zip is missing (a wrong-county signer).
    keys_b = """select distinct case when zip_n = '' then '*' else county end as county, house_n,
                       last_key from signatures_n where house_n <> ''"""
    # Signers' names in their nickname forms, for registrations under the name elsewhere.
    explode = "unnest(first_forms)" if dialect == "duckdb" else "explode(first_forms)"
    keys_d = f"select distinct county, last_key, {explode} as form from signatures_n"
    # One scan of the keyed voter file, five hash lookups per row; narrow rows kept.
    keyed = """
        select * from (
            select voter_id, county, last_key, first_key, middle_key,
                   (house_key, zip_key) in (select house_n, zip_n from address_keys)
                   or (county, house_key, last_key)
                       in (select county, house_n, last_key from house_name_keys)
                   or (house_key, last_key)
                       in (select house_n, last_key from house_name_keys where county = '*')
                   or (county, house_key, street_key)
                       in (select county, house_n, street_key from house_street_keys)
                       as by_address,
                   (county, last_key, first_key)
                       in (select county, last_key, form from name_keys) as by_name
            from voter_keys)
        where by_address or by_name"""
    ids = "select distinct voter_id from candidate_keys where by_address"
    everyone = "true"  # plain Splink: every registration is normalised and compared
    candidates = "voter_id in (select voter_id from candidate_ids)"
    voters = _normalised_voters(dialect, candidates if filter_candidates else everyone)
    return [
        Step("address_keys", keys_a),
        Step("house_name_keys", keys_b),
        Step("house_street_keys", keys_c),
        Step("name_keys", keys_d),
        Step("candidate_keys", keyed),
        Step("candidate_ids", ids),
        Step("voters_n", voters),
    ]


def _names_agree(dialect: Dialect) -> str:
    """First name (a form, or an initial against the name) and middle name compatible."""
    contains = "list_contains" if dialect == "duckdb" else "array_contains"
    first = (
        f"({contains}(s.first_forms, v.first_n) or (length(s.first_n) = 1 and "
        f"{_initial('v.first_n')} = s.first_n) or (length(v.first_n) = 1 and "
        f"{_initial('s.first_n')} = v.first_n))"
    )
    middle = (
        f"(s.middle_n = '' or v.middle_n = '' or "
        f"{_initial('s.middle_n')} = {_initial('v.middle_n')})"
    )
    return f"{first} and {middle}"


def exact_steps(dialect: Dialect) -> list[Step]:
    """Registrations at the signer's address with the signer's name: settled in SQL."""
    candidates = f"""
        select s.signature_id, v.voter_key, v.voter_id, v.county as voter_county,
               cast(1.0 as double) as match_probability, 'exact' as method
        from signatures_n s
        join voters_n v on s.house_n = v.house_n and s.street_n = v.street_n
                        and s.last_n = v.last_n
        where s.has_address and {_names_agree(dialect)}
          and (s.zip_n = '' or v.zip_n = '' or s.zip_n = v.zip_n)"""
    residue = """
        select s.* from signatures_n s
        where s.has_address
          and not exists (select 1 from exact_candidates e where e.signature_id = s.signature_id)"""
    return [Step("exact_candidates", candidates), Step("residue", residue)]


def decision_steps(threshold: float, dialect: Dialect) -> list[Step]:
    """From candidates to one reason per signature (the order of ``schema.Reason``)."""
    at_address = f"""
        select signature_id, voter_key, voter_id, voter_county, match_probability, method
        from exact_candidates
        union all
        select p.signature_id, p.voter_key, v.voter_id, v.county, p.match_probability,
               'probabilistic'
        from probabilistic_pairs p join voters_n v on v.voter_key = p.voter_key
        where p.match_probability >= {threshold:.6f}"""
    # Whether the person had a registration in the section's county on the day of signing.
    active = """
        select c.signature_id, c.voter_key,
               max(case when r.voter_id is not null then 1 else 0 end) as registered_then
        from candidates_at_address c
        join signatures_n s on s.signature_id = c.signature_id
        left join voters_n r on r.voter_id = c.voter_id and r.county = s.county
             and r.registered_on <= s.signed_on
             and (r.cancelled_on is null or r.cancelled_on > s.signed_on)
        group by c.signature_id, c.voter_key"""
    standing = """
        select s.signature_id, c.voter_id, c.voter_key, c.match_probability, c.method,
               c.voter_county = s.county as same_county,
               a.registered_then = 1 as registered_then,
               v.registered_on > s.signed_on as registered_after
        from signatures_n s
        join candidates_at_address c on c.signature_id = s.signature_id
        join active a on a.signature_id = c.signature_id and a.voter_key = c.voter_key
        join voters_n v on v.voter_key = c.voter_key"""
    best = """
        select * from (
            select *, row_number() over (
                partition by signature_id
                order by same_county desc, registered_then desc, match_probability desc,
                         voter_key) as rank
            from standing) where rank = 1"""
    # Registered in the county under this name, at another address: one person only, else
    # the name alone cannot say who signed (a petition line has no date of birth).
    explode = "unnest(first_forms)" if dialect == "duckdb" else "explode(first_forms)"
    name_only = f"""
        select s.signature_id, min(v.voter_id) as voter_id, count(distinct v.voter_id) as people
        from (select s.*, {explode} as form from signatures_n s
              where s.has_address and not exists (
                  select 1 from best_candidate b where b.signature_id = s.signature_id)) s
        join candidate_keys v on v.by_name and v.county = s.county
                              and v.last_key = s.last_key and v.first_key = s.form
        where s.middle_n = '' or v.middle_key = '' or substr(s.middle_n, 1, 1) = v.middle_key
        group by s.signature_id"""
    provisional = """
        select s.signature_id, s.county, s.filing_order,
               case
                 when s.examiner_mismatch then 'SIGNATURE_MISMATCH'
                 when s.withdrawn then 'WITHDRAWN'
                 when not s.has_address then 'NO_ADDRESS'
                 when b.signature_id is not null and not b.same_county then 'WRONG_COUNTY'
                 when b.signature_id is not null and b.registered_then then 'VALID'
                 when b.signature_id is not null and b.registered_after
                     then 'REGISTERED_AFTER_SIGNING'
                 when b.signature_id is not null then 'NOT_REGISTERED'
                 when o.people = 1 then 'ADDRESS_MISMATCH'
                 else 'NOT_REGISTERED'
               end as reason,
               coalesce(b.voter_id, o.voter_id) as voter_id,
               b.match_probability, coalesce(b.method, 'none') as method
        from signatures_n s
        left join best_candidate b on b.signature_id = s.signature_id
        left join name_only o on o.signature_id = s.signature_id"""
    final = """
        select signature_id, county, voter_id, match_probability, method,
               case when reason = 'VALID' and row_number() over (
                        partition by case when reason = 'VALID' then voter_id end
                        order by filing_order) > 1
                    then 'DUPLICATE' else reason end as reason
        from provisional"""
    return [
        Step("candidates_at_address", at_address),
        Step("active", active),
        Step("standing", standing),
        Step("best_candidate", best),
        Step("name_only", name_only),
        Step("provisional", provisional),
        Step("determinations", final),
    ]
