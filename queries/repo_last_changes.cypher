// What the last write of some repos changed, and whether it can be applied to a view built before
// it: the paths it parsed, re-linked or removed (`lastChanged`, a JSON list), the generation it gave
// the repo, the repo's state ("writing" while a bulk load is under way) and its run (`lastRun`,
// JSON, whose `mode` tells an incremental write from a full one).
// Parameters: $repos (repo ids). Columns: id, generation, state, run, changed.
MATCH (r:Repo)
WHERE r.id IN $repos
RETURN r.id AS id, r.generation AS generation, r.state AS state, r.lastRun AS run, r.lastChanged AS changed
