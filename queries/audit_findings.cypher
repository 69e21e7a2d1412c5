// The findings of audits of one repo and tool, with their audit's time (to supersede older ones).
// Parameters: $repo, $tool. Columns: audit, createdAt, id, ruleId, severity, message, path, line, column,
// status, tool, target, fingerprint.
MATCH (a:Audit)-[:HAS_FINDING]->(f:Finding)
WHERE a.repo = $repo AND a.tool = $tool
RETURN a.id AS audit, a.createdAt AS createdAt, f.id AS id, f.ruleId AS ruleId, f.severity AS severity,
       f.message AS message, f.path AS path, f.line AS line, f.`column` AS `column`, f.status AS status,
       f.tool AS tool, f.target AS target, f.fingerprint AS fingerprint
