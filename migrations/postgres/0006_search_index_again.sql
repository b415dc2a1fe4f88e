-- Dropping the search column in 0005 dropped its GIN index with it; the schema still has the index.
CREATE INDEX "articles_search" ON "articles" USING gin ("search");
