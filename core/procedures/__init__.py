"""Signed procedures (公示 notice, objections, signatures by level) declared once and run by one engine.

- workflow.py: Workflow and Transition, the declarations (also the plain status maps);
- engine.py: procedure_advance, the only code that moves a procedure on, and the shared rules
  (notice period, open objections, one level per signer, objection decisions);
- models.py: the abstract sign-off and notice-objection models each procedure's tables extend.
See docs/architecture.md, "The procedure engine"."""
