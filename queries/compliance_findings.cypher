// The findings attached to a project's code, with their target.
// Parameters: $id (project id). Columns: id, target, severity, status, ruleId, tool.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (a:Audit)-[:HAS_FINDING]->(f:Finding)
WHERE a.repo = r.id
RETURN f.id AS id, f.target AS target, f.severity AS severity, f.status AS status, f.ruleId AS ruleId,
       f.tool AS tool
