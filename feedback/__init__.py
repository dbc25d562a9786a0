"""The feedback loop: answers rated 👎 (web or Slack) wait in an admin review
queue; an admin records the right answer, which joins the regression question
file the evaluation in bench/ runs (bench/eval/regressions.jsonl)."""
