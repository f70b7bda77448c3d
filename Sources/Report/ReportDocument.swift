import Foundation

/// One self-contained HTML page: a title, facts about the run, an optional banner (a run still
/// running, or damaged), and plots each with its reading guide.
///
/// The page is polyglot XHTML with inline CSS and inline SVG: no script, font or image from
/// anywhere, so it opens from disk, mails as one file, and an XML parser reads it. Its bytes
/// depend on the run's files only (no time of writing), so that the same run gives the same file.
///
/// ```swift
/// var page = ReportDocument(title: "Search example-run", kind: "search run")
/// page.facts.append(("status", "complete"))
/// page.plots.append(history)
/// try AtomicFile.write(FilePath("report.html"), bytes: Array(page.html.utf8))
/// ```
public struct ReportDocument: Sendable {
    /// A block of the page: a plot, or a table of text rows.
    public enum Block: Sendable {
        case plot(Plot)
        case table(id: String, title: String, guide: String, header: [String], rows: [[String]])
    }

    public var title: String
    /// What was reported on: "search run", "sieve sweep", "campaign", "soak".
    public var kind: String
    /// The path reported on, as given.
    public var source: String
    /// Name and value rows under the title.
    public var facts: [(name: String, value: String)] = []
    /// Warnings shown above everything: a run still being written, damaged records.
    public var banners: [String] = []
    public var blocks: [Block] = []

    public init(title: String, kind: String, source: String) {
        self.title = title
        self.kind = kind
        self.source = source
    }

    /// The plots among the blocks.
    public var plots: [Plot] {
        blocks.compactMap { if case .plot(let plot) = $0 { plot } else { nil } }
    }

    static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1a1a1a;background:#ffffff;margin:24px auto;max-width:820px;padding:0 16px;line-height:1.45}
    h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 4px}
    p.guide{margin:2px 0 8px;font-size:13px;color:#333333}
    table{border-collapse:collapse;font-size:13px}td,th{padding:2px 10px 2px 0;text-align:left;vertical-align:top}
    table.facts td:first-child{color:#555555}
    table.rows th{border-bottom:1px solid #999999}
    .banner{border:2px solid #D55E00;background:#fff3ea;padding:8px 12px;margin:12px 0;font-size:14px}
    svg.plot{display:block;max-width:100%;height:auto}
    svg text{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
    footer{margin-top:32px;font-size:12px;color:#555555}
    @media print{section{break-inside:avoid}}
    """

    /// The page.
    public var html: String {
        var out = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<title>\(Markup.escape(title))</title>\n<style>\n\(Self.style)\n</style>\n</head>\n<body>\n"
        out += "<h1>\(Markup.escape(title))</h1>\n"
        for banner in banners {
            out += "<div class=\"banner\" role=\"alert\">\(Markup.escape(banner))</div>\n"
        }
        if !facts.isEmpty {
            out += "<table class=\"facts\">\n"
            for fact in facts {
                out += "<tr><td>\(Markup.escape(fact.name))</td><td>\(Markup.escape(fact.value))</td></tr>\n"
            }
            out += "</table>\n"
        }
        for block in blocks {
            switch block {
            case .plot(let plot):
                out += "<section class=\"plot\" id=\"plot-\(Markup.escape(plot.id))\">\n<h2>\(Markup.escape(plot.title))</h2>\n"
                out += "<p class=\"guide\">\(Markup.escape(plot.guide))</p>\n"
                out += plot.svg()
                out += "</section>\n"
            case .table(let id, let title, let guide, let header, let rows):
                out += "<section class=\"table\" id=\"table-\(Markup.escape(id))\">\n<h2>\(Markup.escape(title))</h2>\n"
                out += "<p class=\"guide\">\(Markup.escape(guide))</p>\n"
                if !rows.isEmpty {
                    out += "<table class=\"rows\">\n<tr>" + header.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr>\n"
                    for row in rows { out += "<tr>" + row.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>\n" }
                    out += "</table>\n"
                }
                out += "</section>\n"
            }
        }
        out += "<footer>\(Markup.escape("optimize report of the \(kind) \(source)"))</footer>\n</body>\n</html>\n"
        return out
    }
}
