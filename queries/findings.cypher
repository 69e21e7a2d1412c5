// Findings with their audit, newest audit first; every filter is optional ('' : any).
// Parameters: $repo, $severity, $status, $target. Columns: id, ruleId, severity, message, path, line,
// column, status, tool, target, audit, repo, createdAt.
MATCH (a:Audit)-[:HAS_FINDING]->(f:Finding)
WHERE ($repo = '' OR a.repo = $repo) AND ($severity = '' OR f.severity = $severity)
  AND ($status = '' OR f.status = $status) AND ($target = '' OR f.target = $target)
RETURN f.id AS id, f.ruleId AS ruleId, f.severity AS severity, f.message AS message, f.path AS path,
       f.line AS line, f.`column` AS `column`, f.status AS status, f.tool AS tool, f.target AS target,
       a.id AS audit, a.repo AS repo, a.createdAt AS createdAt
ORDER BY createdAt DESC, id
