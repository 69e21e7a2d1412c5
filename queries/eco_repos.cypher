// Every repo with the project it belongs to and what its manifests declare (JSON, see graphsvc/ecosystem.py).
// Parameters: none. Columns: id, project, manifest.
MATCH (r:Repo)
RETURN r.id AS id, r.project AS project, r.manifest AS manifest
ORDER BY id
