import XCTest
@testable import Report

/// The rules the Japanese text is held to, and the text report's own Japanese.
final class JapaneseStyleTests: XCTestCase {
    func rules(_ text: String) -> [String] { JapaneseStyle.problems(in: text).map(\.rule) }

    func testWellWrittenTextPasses() {
        for text in [
            "ns1 の net.ipv4.ip_forward は 0 です。設定してください: `ip netns exec router sysctl net.ipv4.ip_forward=1`。",
            "ns1 は 198.51.100.0/24 宛てのパケットを 192.0.2.254 に送る",
            "この段階では「Network is unreachable」で失敗するはずです",
            "ns1 (192.0.2.1) から 198.51.100.1 への ping: 1000 ms 以内に応答なし (100% パケットロス)",
            "ポート ns1-br0〜ns3-br0 につなぎます",
            "`ip -br link` では「名前@相手」の形で見えます",
            "2 台のルーター",
        ] {
            XCTAssertEqual(rules(text), [], text)
        }
    }

    func testEachRule() {
        XCTAssertEqual(rules("0 です。 設定してください"), ["space after 。"])
        XCTAssertEqual(rules("0 です 。"), ["space before 。"])
        XCTAssertEqual(rules("ns1、 ns2"), ["space after 、"])
        XCTAssertEqual(rules("では 「Network is unreachable」"), ["space before 「"])
        XCTAssertEqual(rules("宛て のパケット"), ["space between full-width characters"])
        XCTAssertEqual(rules("パケットを192.0.2.254 に送る"), ["no space between Japanese and Latin"])
        XCTAssertEqual(rules("ns1に送る"), ["no space between Japanese and Latin"])
        XCTAssertEqual(rules("ルータを通る"), ["ルータ without ー (write ルーター)"])
        XCTAssertEqual(rules("ルータ"), ["ルータ without ー (write ルーター)"])
        XCTAssertEqual(rules("です。。"), ["doubled punctuation"])
        XCTAssertEqual(rules("ネット\u{3000}ワーク"), ["ideographic space"])
        XCTAssertEqual(rules("ping: 100% loss"), ["English left untranslated: loss"])
        XCTAssertEqual(rules("[PAST] ns1"), ["English left untranslated: PAST"])
        XCTAssertEqual(rules("MAC は none です"), ["English left untranslated: none"])
    }

    func testCommandsInBackquotesAreLeftAlone() {
        XCTAssertEqual(rules("確認してください: `ping -c 1 x | grep loss`。"), [])
        XCTAssertEqual(rules("`a`を実行"), [], "only what is outside the quotes is read")
        XCTAssertEqual(rules("「Destination Host Unreachable」"), [], "ping's own words, quoted")
        XCTAssertEqual(rules("lossless"), [], "a word inside a longer word is not the word")
    }

    /// A report with every part of the text renderer: a setup check, a step passed over with an expectation of
    /// its own that no longer holds, the step not yet reached, the summary and its hint.
    func testTextReportReadsNaturally() {
        let failing = CheckResult(id: "router.ip_forward", title: "router: net.ipv4.ip_forward = 1", status: .fail,
                                  expected: "net.ipv4.ip_forward = 1", observed: "router の net.ipv4.ip_forward は 0 です",
                                  hint: "router の net.ipv4.ip_forward は 0 です。設定してください: `ip netns exec router sysctl net.ipv4.ip_forward=1`。")
        let setup = CheckResult(id: "ns1.netns", title: "ネットワークネームスペース ns1 がある", status: .pass, expected: "x", observed: "x", hint: "")
        let past = CheckResult(id: "ns1.ping.step1", title: "ns1 から 198.51.100.1 にはまだ届かない", status: .fail,
                               expected: "x", observed: "x", hint: "")
        var report = Report(exercise: "chapter3-router", title: "ルーターで 2 つのネットワークをつなぐ", checks: [setup, failing],
                            durationMs: 1, netcheckVersion: "0")
        report.steps = [StepResult(number: 1, title: "アドレス", checks: [past]),
                        StepResult(number: 2, title: "デフォルトルート", checks: [setup]),
                        StepResult(number: 3, title: "ルーターが転送する", checks: [failing])]
        XCTAssertEqual(report.stepReached, 2)
        let text = TextRenderer(language: .ja, color: false).render(report)
        XCTAssertTrue(text.contains("[通過] ns1 から 198.51.100.1 にはまだ届かない"), text)
        XCTAssertEqual(JapaneseStyle.problems(inTextReport: text), [], text)
        let english = TextRenderer(language: .en, color: false).render(report)
        XCTAssertTrue(english.contains("[PAST] ns1 から"), english)
    }
}
