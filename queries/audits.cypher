// Audits, newest first; every filter is optional ('' : any).
// Parameters: $repo, $tool, $status. Columns: as audit.cypher.
MATCH (a:Audit)
WHERE ($repo = '' OR a.repo = $repo) AND ($tool = '' OR a.tool = $tool)
  AND ($status = '' OR a.status = $status)
RETURN a.id AS id, a.kind AS kind, a.status AS status, a.summary AS summary, a.reportPath AS reportPath,
       a.tool AS tool, a.toolVersion AS toolVersion, a.repo AS repo, a.`commit` AS `commit`, a.digest AS digest,
       a.target AS target, a.createdAt AS createdAt, a.findings AS findings
ORDER BY createdAt DESC, id
