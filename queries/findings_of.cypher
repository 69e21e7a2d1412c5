// The findings attached to any of some symbols or files, by place; $status '' for any.
// Parameters: $ids (list of symbol and file ids), $status. Columns: id, ruleId, severity, message, path, line,
// column, status, tool, target, audit, repo, createdAt.
MATCH (a:Audit)-[:HAS_FINDING]->(f:Finding)
WHERE f.target IN $ids AND ($status = '' OR f.status = $status)
RETURN f.id AS id, f.ruleId AS ruleId, f.severity AS severity, f.message AS message, f.path AS path,
       f.line AS line, f.`column` AS `column`, f.status AS status, f.tool AS tool, f.target AS target,
       a.id AS audit, a.repo AS repo, a.createdAt AS createdAt
ORDER BY path, line, `column`, ruleId, id
