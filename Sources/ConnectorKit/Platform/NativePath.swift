import Foundation

/// Paths written for Windows (`templates\`, `.\joblogs\`), where SMA's connectors run, in this system's form.
enum NativePath {
    /// On Windows the text as given; elsewhere with `\` read as the folder separator and a trailing one dropped, so
    /// a Connector.config or Run Command copied from a Windows server still names the same folder.
    static func from(_ text: String) -> String {
        #if os(Windows)
            return text
        #else
            var path = text.replacingOccurrences(of: "\\", with: "/")
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return path
        #endif
    }
}
