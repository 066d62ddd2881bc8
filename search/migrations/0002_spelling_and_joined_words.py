"""Spelling variants and joined words, in PostgreSQL only (skipped on SQLite, like 0001):

- `kcsp_spelling(text)`: US spellings written the British way, word by word (-ize/-ization/-yze, -or/-our of a list
  of words, center/centre and its kin, defense/license/offense/pretense, program/programme, catalog/catalogue,
  judgment/judgement), so either spelling gives the same lexeme (English stemming alone does not: "organization" is
  'organ' and "organisation" 'organis'). A false friend ("size" read as "sise") is normalised alike in vectors and
  queries, so it matches exactly what it matched before.
- `kcsp_search_words(text)`, which builds every stored vector, now normalises the spelling first, then adds the
  joined form of each hyphenated word as before.
- `kcsp_search_query(typed)`: the tsquery of what a person typed, normalised alike: in-word hyphens read as spaces,
  `kcsp_spelling`, websearch_to_tsquery in `kcsp_english`; then each typed word of 7 or more letters is rewritten
  (ts_rewrite, so quotes, "or" and "-" keep their meaning) into itself or any two words of 3 or more letters it
  splits into, as a phrase: "saferstreets" finds "Safer Streets".

Why functions and not a synonym or thesaurus dictionary: a dictionary needs a file in the server's share directory,
which no migration can install on a managed database. Immutable, so a query's tsquery is computed once, at planning.

The GIN index is set to fastupdate = off and its pending list flushed: with the default (on), rows written since the
last vacuum wait in a pending list that every search reads through in full; after a rebuild of ten years of
documents that alone took 8 ms of a rare word's query. Writes (one row's document per save) pay instead.

Vectors built before this migration hold the old spellings: run `manage.py search_reindex` once after it (README)."""

import importlib

from django.db import migrations

PostgreSQLOnly = importlib.import_module("search.migrations.0001_initial").PostgreSQLOnly

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION kcsp_spelling(words text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(regexp_replace(regexp_replace(words,
        '\m([[:alpha:]]{3,})iz(e|es|ed|er|ers|ing|ation|ations|ational)\M', '\1is\2', 'gi'),
        '\m([[:alpha:]]{2,})yz(e|es|ed|er|ers|ing)\M', '\1ys\2', 'gi'),
        '\m(behavio|colo|favo|hono|labo|neighbo|rumo|harbo|humo|flavo|vigo|endeavo|armo|odo|vapo|savo)r(s|ed|ing|al|ally|ful|ite|ites|hood|hoods|able|ably|less)?\M', '\1ur\2', 'gi'),
        '\m(program)(s?)\M', '\1me\2', 'gi'),
        '\m(cent|theat|fib|calib|somb|spect|lust|meag|sab)er(s?)\M', '\1re\2', 'gi'),
        '\m(cent)er(ed|ing)\M', '\1r\2', 'gi'),
        '\m(licen|defen|offen|preten)s(e|es|ed|ing)\M', '\1c\2', 'gi'),
        '\m(catalog|dialog|analog)(s?)\M', '\1ue\2', 'gi'),
        '\m(judg|acknowledg|abridg)ment(s?)\M', '\1ement\2', 'gi');
CREATE OR REPLACE FUNCTION kcsp_search_words(words text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN kcsp_spelling(words) || ' ' || coalesce(
        (SELECT string_agg(replace(found[1], '-', ''), ' ')
         FROM regexp_matches(kcsp_spelling(words), '([[:alnum:]]+(-[[:alnum:]]+)+)', 'g') AS found),
        '');
CREATE OR REPLACE FUNCTION kcsp_search_query(typed text) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    words text := kcsp_spelling(regexp_replace(typed, '([[:alnum:]])-(?=[[:alnum:]])', '\1 ', 'g'));
    found_query tsquery := websearch_to_tsquery('kcsp_english', words);
    word text;
    whole tsquery;
    alternatives tsquery;
    part tsquery;
BEGIN
    FOR word IN SELECT DISTINCT lower(matched[1]) FROM regexp_matches(words, '([[:alnum:]]{7,})', 'g') AS matched LOOP
        whole := plainto_tsquery('kcsp_english', word);
        CONTINUE WHEN numnode(whole) <> 1;
        alternatives := whole;
        FOR split IN 3 .. length(word) - 3 LOOP
            part := phraseto_tsquery('kcsp_english', left(word, split) || ' ' || substr(word, split + 1));
            IF numnode(part) = 3 THEN
                alternatives := alternatives || part;
            END IF;
        END LOOP;
        found_query := ts_rewrite(found_query, whole, alternatives);
    END LOOP;
    RETURN found_query;
END $$;
ALTER INDEX search_document_vector SET (fastupdate = off);
SELECT gin_clean_pending_list('search_document_vector');
"""

UNDO = r"""
ALTER INDEX search_document_vector RESET (fastupdate);
DROP FUNCTION IF EXISTS kcsp_search_query(text);
CREATE OR REPLACE FUNCTION kcsp_search_words(words text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN words || ' ' || coalesce(
        (SELECT string_agg(replace(found[1], '-', ''), ' ')
         FROM regexp_matches(words, '([[:alnum:]]+(-[[:alnum:]]+)+)', 'g') AS found),
        '');
DROP FUNCTION IF EXISTS kcsp_spelling(text);
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [PostgreSQLOnly(migrations.RunSQL(FUNCTIONS, UNDO))]
