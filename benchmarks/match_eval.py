"""Partner-search quality: nDCG@10 and recall@20 over the evaluation set (same as `jejaring index eval`).

.venv/bin/python benchmarks/match_eval.py [--verbose]
"""

from __future__ import annotations

import sys

from jejaring.matching import evaluation


def main() -> None:
    """Load the evaluation corpus into a scratch database, run every need, print the figures."""
    report = evaluation.run()
    if "--verbose" in sys.argv:
        for q in report["queries"]:
            print(f"{q['ndcg@10']:.3f}  {q['recall@20']:.3f}  {q['id']} [{q['lang']}] {q['text']}")
    for name in evaluation.SPLITS:
        part = report["splits"][name]
        print(
            f"{name:<7} queries {part['count']:>3}: nDCG@10 {part['ndcg@10']:.3f} "
            f"(id {part['by_language']['id']:.3f}, en {part['by_language']['en']:.3f}), "
            f"recall@20 {part['recall@20']:.3f}"
        )
    print(
        f"all  queries {report['queries_count']:>3}, firms {report['firms']}: nDCG@10 {report['ndcg@10']:.3f} "
        f"(id {report['by_language']['id']:.3f}, en {report['by_language']['en']:.3f}), "
        f"recall@20 {report['recall@20']:.3f}"
    )


if __name__ == "__main__":
    main()
