-- Search matches words as SQLite's index does (porter unicode61 remove_diacritics 2): accents folded,
-- then English stems. No stop-word list, so `the` still finds articles. Numbers, URLs and other token
-- types stay as 'simple' reads them. Migration 0005 builds the search column with this configuration.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH DICTIONARY gazette_english_stem (TEMPLATE = snowball, Language = english);
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION gazette_search (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION gazette_search
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH unaccent, gazette_english_stem;
