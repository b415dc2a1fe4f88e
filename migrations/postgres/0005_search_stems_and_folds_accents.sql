ALTER TABLE "articles" drop column "search";--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('gazette_search', title), 'A')
  || setweight(to_tsvector('gazette_search', coalesce(subtitle, '')), 'B')
  || setweight(to_tsvector('gazette_search', body_text), 'C')
  || setweight(to_tsvector('gazette_search', author_names || ' ' || tag_names), 'B')) STORED NOT NULL;