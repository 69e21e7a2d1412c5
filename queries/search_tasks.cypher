// The tasks search ranks: every task's title and place (comment tasks have a path, API tasks a project).
// Parameters: none. Columns: id, title, kind, status, origin, path, line, project.
MATCH (x:Task)
RETURN x.id AS id, x.title AS title, x.kind AS kind, x.status AS status, x.origin AS origin, x.path AS path,
       x.line AS line, x.project AS project
