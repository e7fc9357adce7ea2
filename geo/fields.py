"""Field names every GIS tool and SQL database takes unquoted.

Every column posturemap exports (GeoJSON properties, GeoPackage columns, CSV
headers, KML fields) matches ``[a-z][a-z0-9_]*`` and is not an SQL reserved
word.  Columns named after scenario ids (``personnel_<phase>``) get the id as a
*token*: lower case, every run of other characters turned into one ``_``.

Examples
--------
>>> column_token("Early-2022")
'early_2022'
>>> phase_column("before-coup")
'personnel_before_coup'
>>> phase_actor_column("before-coup", "us")
'personnel_before_coup__us'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What a field name looks like.
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

#: Words a field may not be (``SQL_RESERVED``): the reserved words of SQL:2016 and every keyword
#: of SQLite (the database inside a GeoPackage, where ``before`` and ``after``
#: are keywords too), in lower case.
_RESERVED_WORDS = """
    abort abs absolute acos action add after all allocate alter always analyze and any are array
    array_agg array_max_cardinality as asc asensitive asin asymmetric at atan atomic attach
    authorization autoincrement avg before begin begin_frame begin_partition between bigint binary
    blob boolean both by call called cardinality cascade cascaded case cast ceil ceiling char
    char_length character character_length check classifier clob close coalesce collate collect
    column commit condition conflict connect constraint contains convert copy corr corresponding
    cos cosh count covar_pop covar_samp create cross cube cume_dist current current_catalog
    current_date current_default_transform_group current_path current_role current_row
    current_schema current_time current_timestamp current_transform_group_for_type current_user
    cursor cycle database date day deallocate dec decfloat decimal declare default deferrable
    deferred define delete dense_rank deref desc describe detach deterministic disconnect distinct
    do double drop dynamic each element else empty end end_frame end_partition equals escape every
    except exclude exclusive exec execute exists exp explain external extract fail false fetch
    filter first first_value float floor following for foreign frame_row free from full function
    fusion generated get glob global grant group grouping groups having hold hour identity if
    ignore immediate in index indexed indicator initial initially inner inout insensitive insert
    instead int integer intersect intersection interval into is isnull join json_array
    json_arrayagg json_exists json_object json_objectagg json_query json_table
    json_table_primitive json_value key lag language large last last_value lateral lead leading
    left like like_regex limit listagg ln local localtime localtimestamp log log10 lower match
    match_number match_recognize matches materialized max member merge method min minute mod
    modifies module month multiset national natural nchar nclob new no none normalize not nothing
    notnull nth_value ntile null nullif nulls numeric occurrences_regex octet_length of offset old
    omit on one only open or order others out outer over overlaps overlay parameter partition
    pattern per percent percent_rank percentile_cont percentile_disc period plan portion position
    position_regex power pragma precedes preceding precision prepare primary procedure ptf query
    raise range rank reads real recursive ref references referencing regexp regr_avgx regr_avgy
    regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy reindex release
    rename replace restrict result return returning returns revoke right rollback rollup row
    row_number rows running savepoint scope scroll search second seek select sensitive
    session_user set show similar sin sinh skip smallint some specific specifictype sql
    sqlexception sqlstate sqlwarning sqrt start static stddev_pop stddev_samp submultiset subset
    substring substring_regex succeeds sum symmetric system system_time system_user table
    tablesample tan tanh temp temporary then ties time timestamp timezone_hour timezone_minute to
    trailing transaction translate translate_regex translation treat trigger trim trim_array true
    truncate uescape unbounded union unique unknown unnest update upper user using vacuum value
    values var_pop var_samp varbinary varchar varying versioning view virtual when whenever where
    width_bucket window with within without year
"""
SQL_RESERVED = frozenset(_RESERVED_WORDS.split())


def column_token(identifier: str) -> str:
    """An id as it appears inside a column name: lower case, ``[a-z0-9]`` runs joined by ``_``.

    The token never starts or ends with ``_`` and never holds ``__``, so
    ``personnel_<phase>__<actor>`` always splits back into one phase and one
    actor.  Two ids with the same token (``early-2022``, ``Early_2022``) would
    share a column; the scenario validator refuses them.
    """
    return re.sub(r"[^a-z0-9]+", "_", identifier.lower()).strip("_")


def phase_column(phase_id: str) -> str:
    """The column holding personnel in one phase, e.g. ``personnel_before_coup``."""
    return f"personnel_{column_token(phase_id)}"


def phase_actor_column(phase_id: str, actor_id: str) -> str:
    """The column holding one actor's personnel in one phase, e.g. ``personnel_before_coup__us``."""
    return f"{phase_column(phase_id)}__{column_token(actor_id)}"


def unsafe_field_names(names: Iterable[str]) -> list[str]:
    """The names that a GIS tool or an SQL database would need quoted, in order."""
    return [name for name in names if not FIELD_NAME.match(name) or name in SQL_RESERVED]
