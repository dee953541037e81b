import Foundation
import Testing

@testable import ConnectorKit

@Suite("Secrets: SMA encoding and masking")
struct SecretEncodingTests {
    @Test(
        "the published EncryptValue samples encode and decode",
        arguments: [
            ("admin", "595752746157343d"),
            ("StarWarsR9cks", "55335268636c6468636e4e534f574e7263773d3d"),
            ("smatech", "633231686447566a61413d3d"),
            ("smatech2021", "633231686447566a614449774d6a453d"),
        ])
    func publishedSamples(plain: String, encoded: String) {
        #expect(SMAEncoding.encode(plain) == encoded)
        #expect(SMAEncoding.decode(encoded) == plain)
    }

    @Test("non-ASCII text round-trips")
    func unicode() {
        #expect(SMAEncoding.decode(SMAEncoding.encode("pässwörd€")) == "pässwörd€")
    }

    @Test(
        "values that are not the encoding decode to nil",
        arguments: [
            "",  // empty
            "595752746157343",  // odd length
            "595752746157343D",  // upper-case hex
            "5957527461573g3d",  // not hex
            "59575274615734",  // hex of "YWRtaW4", not a multiple of 4
            "3d3d3d3d",  // "====": padding only
            "41414141",  // "AAAA": decodes to control characters
            "fc0520dc-1b2c-4d5e",  // a GUID-like token
        ])
    func notEncoded(value: String) {
        #expect(SMAEncoding.decode(value) == nil)
    }

    @Test("registerBasicAuth masks the password, the pair and its base64, and returns the header")
    func basicAuth() {
        let masker = SecretMasker()
        let header = masker.registerBasicAuth(user: "opcon.svc", password: "Pa55word!")
        let base64 = Data("opcon.svc:Pa55word!".utf8).base64EncodedString()
        #expect(header == "Basic \(base64)")
        #expect(masker.mask("Authorization: \(header)") == "Authorization: Basic ****")
        #expect(masker.mask("login opcon.svc:Pa55word! then Pa55word!") == "login **** then ****")
        #expect(masker.mask("user opcon.svc") == "user opcon.svc", "the user name alone is not a secret")
    }
}
