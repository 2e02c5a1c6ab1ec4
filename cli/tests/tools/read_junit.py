"""Reads a JUnit XML report with junitparser, a JUnit consumer used by CI tools, and prints what
it understood as JSON: the totals the report states, the totals counted from its test cases, and
every test case with its results. Used by cli/tests/integrations.rs.

Usage: python3 read_junit.py REPORT.xml
"""

import json
import sys

from junitparser import JUnitXml, TestSuite


def main(path):
    xml = JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    report = {"stated": {}, "counted": {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}, "suites": []}
    for key in ("tests", "failures", "skipped", "errors"):
        report["stated"][key] = getattr(xml, key)
    for suite in suites:
        cases = []
        for case in suite:
            results = [
                {"kind": type(result).__name__, "type": result.type, "message": result.message, "text": result.text}
                for result in case.result
            ]
            kinds = {r["kind"] for r in results}
            report["counted"]["tests"] += 1
            report["counted"]["failures"] += "Failure" in kinds
            report["counted"]["skipped"] += "Skipped" in kinds
            report["counted"]["errors"] += "Error" in kinds
            cases.append({"classname": case.classname, "name": case.name, "results": results})
        report["suites"].append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "cases": cases})
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
