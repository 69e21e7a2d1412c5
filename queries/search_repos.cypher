// What says whether a search index is current: every repo's write stamp. Each write of a repo's
// files bumps its generation (graphsvc/store/base.py, RepoChange.next_generation) in the same
// transaction; a bulk load is marked "writing" until its last batch. `at` and `run` tell apart a
// store emptied and written again up to the same generation.
// Parameters: none. Columns: id, generation, state, at, run.
MATCH (r:Repo)
RETURN r.id AS id, r.generation AS generation, r.state AS state, r.lastIndexedAt AS at, r.lastRun AS run
