"""The Neo4j store: the referral network as a property graph (see ``docs/graph-model.md``)."""
