// The reader's notes module: engineer "annotate" replaces this placeholder (static/kcsp/reader.js dispatches kcsp:reader-ready).
