"""The phase-1 web crawl: seeds, the Scrapy crawler and its WARC store, text extraction and the partnership detector.

Also the local test web (realistic municipal sites served on loopback) that tests and the demonstration crawl use.
Part of the collect layer: imports core, acquire, build and collect; imported by stats, report and runner.
"""
