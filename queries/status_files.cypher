// Files and their parse errors per repo.
// Parameters: none. Columns: repo, files, parseErrors, loc.
MATCH (r:Repo)-[:CONTAINS]->(f:File)
RETURN r.id AS repo, count(f) AS files, sum(f.parseErrors) AS parseErrors, sum(f.loc) AS loc
ORDER BY repo
