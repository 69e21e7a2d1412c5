// Files by id, with the repo that contains them; unknown ids give no row.
// Parameters: $ids (list of file ids). Columns: id, repo, path, lang, module, loc, size, hash, parseErrors.
UNWIND $ids AS id
MATCH (f:File {id: id})
MATCH (r:Repo)-[:CONTAINS]->(f)
RETURN f.id AS id, r.id AS repo, f.path AS path, f.lang AS lang, f.module AS module, f.loc AS loc,
       f.size AS size, f.hash AS hash, f.parseErrors AS parseErrors
