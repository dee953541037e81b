import Foundation

extension SecretMasker {
    /// Registers a basic-auth password in every form it travels in (`user:password` and its base64)
    /// and returns the `Authorization` header value, `Basic <base64>`.
    @discardableResult
    public func registerBasicAuth(user: String, password: String) -> String {
        let pair = "\(user):\(password)"
        let encoded = Data(pair.utf8).base64EncodedString()
        register(password)
        register(pair)
        register(encoded)
        return "Basic \(encoded)"
    }
}
