#!/usr/bin/env python3
"""Prints each failed test of a TRX file: its name, then the first lines of its message and stack trace.

test.sh calls it so a red run names the failing test; the console log alone buries it under the hosts' own logs.
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> None:
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        print(f"   FAILED {result.get('testName')} ({result.get('duration')})")
        for field, limit in (("Message", 15), ("StackTrace", 12)):
            node = result.find(f"t:Output/t:ErrorInfo/t:{field}", NS)
            if node is not None and node.text:
                for line in node.text.strip().splitlines()[:limit]:
                    print(f"      {line}")


if __name__ == "__main__":
    main(sys.argv[1])
