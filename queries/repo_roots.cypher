// Repos by id with where they were indexed from. Parameters: $ids. Columns: id, project, name, root, headCommit.
UNWIND $ids AS id
MATCH (r:Repo {id: id})
RETURN r.id AS id, r.project AS project, r.name AS name, r.root AS root, r.headCommit AS headCommit
