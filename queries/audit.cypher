// One audit by id.
// Parameters: $id. Columns: id, kind, status, summary, reportPath, tool, toolVersion, repo, commit, digest,
// target, createdAt, findings.
MATCH (a:Audit {id: $id})
RETURN a.id AS id, a.kind AS kind, a.status AS status, a.summary AS summary, a.reportPath AS reportPath,
       a.tool AS tool, a.toolVersion AS toolVersion, a.repo AS repo, a.`commit` AS `commit`, a.digest AS digest,
       a.target AS target, a.createdAt AS createdAt, a.findings AS findings
