// Attestations, newest first.
// Parameters: $project (project id; '' for all), $id ('' for all). Columns: id, status, summary, signature,
// expiresAt, project, createdAt, keyId, payload.
MATCH (a:Attestation)
WHERE ($project = '' OR a.project = $project) AND ($id = '' OR a.id = $id)
RETURN a.id AS id, a.status AS status, a.summary AS summary, a.signature AS signature, a.expiresAt AS expiresAt,
       a.project AS project, a.createdAt AS createdAt, a.keyId AS keyId, a.payload AS payload
ORDER BY createdAt DESC
