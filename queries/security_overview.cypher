// Open findings counted by project and severity, with the newest audit time of each group.
// Parameters: none. Columns: project, severity, findings, newest.
MATCH (p:Project)-[:HAS_REPO]->(r:Repo)
MATCH (a:Audit)-[:HAS_FINDING]->(f:Finding)
WHERE a.repo = r.id AND f.status = 'open'
RETURN p.id AS project, f.severity AS severity, count(f) AS findings, max(a.createdAt) AS newest
ORDER BY newest DESC, project, severity
