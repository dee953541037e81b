import Foundation
import Testing

@testable import ConnectorKit

/// SPEC §5 step 8: the values after the secret keys, and the run's own secrets, become `****`; nothing else changes.
@Suite("Job-log scrubbing")
struct JobLogScrubberTests {
    let scrubber = JobLogScrubber(secrets: [])

    func scrub(_ text: String, with scrubber: JobLogScrubber? = nil) -> (text: String, count: Int) {
        let (bytes, count) = (scrubber ?? self.scrubber).scrub(Array(text.utf8))
        return (String(decoding: bytes, as: UTF8.self), count)
    }

    @Test("each key, with = and with :", arguments: ["password", "passwd", "pwd", "token", "secret", "apikey", "api_key"])
    func eachKey(key: String) {
        #expect(scrub("login \(key)=s3cr3t! ok\n") == ("login \(key)=**** ok\n", 1))
        #expect(scrub("login \(key):s3cr3t! ok\n") == ("login \(key):**** ok\n", 1))
        #expect(scrub("login \(key.uppercased()): s3cr3t! ok\n") == ("login \(key.uppercased()): **** ok\n", 1))
    }

    @Test("a key inside a longer word, any case, with blanks around the sign")
    func longerWords() {
        #expect(scrub("DB_PASSWORD = hunter2;next") == ("DB_PASSWORD = ****;next", 1))
        #expect(scrub("--accessToken=abc.def,rest") == ("--accessToken=****,rest", 1))
        #expect(scrub("x_Api_Key:\tzz9") == ("x_Api_Key:\t****", 1))
    }

    @Test("the value ends at a blank, ;, , or quote; a quoted value runs to its closing quote")
    func valueEnds() {
        #expect(scrub("password=a b") == ("password=**** b", 1))
        #expect(scrub("password=a;b") == ("password=****;b", 1))
        #expect(scrub("password=a,b") == ("password=****,b", 1))
        #expect(scrub("password=a\"b") == ("password=****\"b", 1))
        #expect(scrub("password=\"two words\" next") == ("password=\"****\" next", 1))
        #expect(scrub("{\"password\": \"p@ss word\", \"user\": \"bob\"}") == ("{\"password\": \"****\", \"user\": \"bob\"}", 1))
        #expect(scrub("secret='x y' z") == ("secret='****' z", 1))
    }

    @Test("a value at the end of the line, with LF, CR LF or no terminator, keeps the terminator")
    func endOfLine() {
        #expect(scrub("pwd=abc") == ("pwd=****", 1))
        #expect(scrub("pwd=abc\n") == ("pwd=****\n", 1))
        #expect(scrub("pwd=abc\r\n") == ("pwd=****\r\n", 1))
        #expect(scrub("password=\"unclosed\r\n") == ("password=\"****\r\n", 1))
    }

    @Test("lines without a key and sign, or with an empty value, are untouched")
    func untouched() {
        #expect(scrub("the password was changed\n") == ("the password was changed\n", 0))
        #expect(scrub("tokens: 5\n") == ("tokens: 5\n", 0))
        #expect(scrub("password=\n") == ("password=\n", 0))
        #expect(scrub("password= ;\n") == ("password= ;\n", 0))
        #expect(scrub("password=**** again\n") == ("password=**** again\n", 0), "an already masked value is not counted twice")
    }

    @Test("several values on one line are each replaced and counted")
    func several() {
        #expect(scrub("user=a password=b token=c\r\n") == ("user=a password=**** token=****\r\n", 2))
    }

    @Test("a secret of the run is replaced wherever it appears, also next to a key")
    func runSecrets() {
        let scrubber = JobLogScrubber(secrets: ["5d0f3c2e-8a51", "longer-5d0f3c2e-8a51"])
        #expect(scrub("Authorization: Token 5d0f3c2e-8a51 sent\n", with: scrubber) == ("Authorization: Token **** sent\n", 1))
        #expect(scrub("x longer-5d0f3c2e-8a51 y", with: scrubber) == ("x **** y", 1), "the longest secret goes first")
        #expect(scrub("token=5d0f3c2e-8a51", with: scrubber) == ("token=****", 1), "one value, counted once")
        #expect(scrub("a5d0f3c2e-8a51b5d0f3c2e-8a51", with: scrubber) == ("a****b****", 2))
    }

    @Test("bytes that are not UTF-8 pass through unchanged around a replaced value")
    func nonUTF8() {
        let line: [UInt8] = [0xE9, 0x20] + Array("pwd=ab".utf8) + [0xFF, 0x20, 0xC3, 0x0D, 0x0A]
        let (bytes, count) = scrubber.scrub(line)
        #expect(count == 1)
        #expect(bytes == [0xE9, 0x20] + Array("pwd=****".utf8) + [0x20, 0xC3, 0x0D, 0x0A])
    }
}
