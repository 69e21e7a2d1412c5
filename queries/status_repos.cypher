// One row per repo: its project, where it was indexed from, and the last run.
// Parameters: none. Columns: project, repo, name, root, headCommit, state, lastIndexedAt, lastRun.
MATCH (p:Project)-[:HAS_REPO]->(r:Repo)
RETURN p.id AS project, r.id AS repo, r.name AS name, r.root AS root, r.headCommit AS headCommit,
       r.state AS state, r.lastIndexedAt AS lastIndexedAt, r.lastRun AS lastRun
ORDER BY project, repo
