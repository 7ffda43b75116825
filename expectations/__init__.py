"""Great Expectations suites over whole warehouse tables, their runner and the Data Docs."""
