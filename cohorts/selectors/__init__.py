"""Reads of the cohorts app, one module per job: the school's analytics of its cohorts.

``dashboard`` (assigned courses, completion, who needs attention), ``reliance`` (the
measures of a cohort now), ``trends`` (the measures over time), ``records`` (exports,
completions, attestations) and ``audit_log`` (the school's audit events). Import from the
module itself; this package re-exports nothing. Who may see what is read in
``schools.selectors``, a trainee's own measures in ``progress.selectors``.

Every function here issues a fixed number of queries whatever the cohort's size; the
tests pin those numbers. Selectors aggregate in SQL (GROUP BY, filtered sums) and select
trainees through a subquery rather than a list of ids, so a cohort of 10,000 trainees
costs the same few queries as a cohort of 2, and moves rows, not model instances.
Measures are always computed by ``progress.measures.all_measures`` from summed counters.
"""
