package io.switchboard.plugin.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {
  static final PiiDetector ALL = new PiiDetector(EnumSet.allOf(PiiKind.class));

  static List<String> found(PiiKind kind, String text) {
    return new PiiDetector(Set.of(kind)).find(text).stream().map(f -> text.substring(f.start(), f.end())).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jane.doe@example.com", "a+tag@mail.co.uk", "X_Y%z@sub-domain.example.io"})
  void emails(String email) {
    assertThat(found(PiiKind.EMAIL, "write to " + email + ", thanks")).containsExactly(email);
  }

  @ParameterizedTest
  @ValueSource(strings = {"user@localhost", "@example.com", "name@-bad.com", "not an email: a@b"})
  void emailNearMisses(String text) {
    assertThat(found(PiiKind.EMAIL, text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "378282246310005",
      "5500 0000 0000 0004"})
  void creditCards(String card) {
    assertThat(found(PiiKind.CREDIT_CARD, "card: " + card + ".")).containsExactly(card);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1112", "5123456789012345", "order 1000000000000009", "12345",
      "4111 1111 1111 1111 1111 1111", "ref 4111111111111111999"})
  void creditCardNearMisses(String text) {
    // Bad Luhn, a valid-Luhn number with a non-card prefix (order id), too short, and runs too long to be a card.
    assertThat(found(PiiKind.CREDIT_CARD, text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 415 555 2671", "+14155552671", "(415) 555-2671", "415-555-2671", "415.555.2671",
      "+44 20 7946 0958", "020 7946 0958", "+49-151-1234-5678"})
  void phones(String phone) {
    assertThat(found(PiiKind.PHONE, "call " + phone + " today")).containsExactly(phone);
  }

  @ParameterizedTest
  @ValueSource(strings = {"order 12345678901", "card 4111111111111111", "4111 1111 1111 1111", "192.168.10.100",
      "2024-01-15", "version 1.2.3.4", "+1234", "12:30:45", "ISBN 978-3-16-148410-0"})
  void phoneNearMisses(String text) {
    assertThat(found(PiiKind.PHONE, text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
      "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300"})
  void ibans(String iban) {
    assertThat(found(PiiKind.IBAN, "pay to " + iban + " please")).containsExactly(iban);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE89 3704 0044 0532 0130 01", "DE88370400440532013000", "ZZ89370400440532013000",
      "DE8937040044053201300", "GB82WEST12345698765432XYZ"})
  void ibanNearMisses(String text) {
    // Wrong checksum, unknown country, wrong length, glued to more characters.
    assertThat(found(PiiKind.IBAN, text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.1.10", "10.0.0.1", "255.255.255.255", "1.2.3.4", "2001:db8:85a3::8a2e:370:7334",
      "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::1", "fe80::1"})
  void ipAddresses(String ip) {
    // 1.2.3.4 is reported: a valid address cannot be told apart from a four-part version by itself.
    assertThat(found(PiiKind.IP_ADDRESS, "host " + ip + ".")).containsExactly(ip);
  }

  @ParameterizedTest
  @ValueSource(strings = {"999.1.1.1", "256.0.0.1", "01.2.3.4", "v1.2.3.4", "1.2.3.4.5", "1.2.3", "12:30:45",
      "std::cout", "a:b:c", "1:2:3:4:5:6:7:8:9"})
  void ipNearMisses(String text) {
    assertThat(found(PiiKind.IP_ADDRESS, text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"123-45-6789", "078 05 1120"})
  void ssns(String ssn) {
    assertThat(found(PiiKind.US_SSN, "ssn " + ssn)).containsExactly(ssn);
  }

  @ParameterizedTest
  @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "123-00-6789", "123-45-0000", "123-45 6789",
      "1123-45-6789", "123456789"})
  void ssnNearMisses(String text) {
    assertThat(found(PiiKind.US_SSN, text)).isEmpty();
  }

  @Test
  void customPatternsAndKindSelection() {
    PiiDetector d = new PiiDetector(Set.of(PiiKind.EMAIL), List.of(Pattern.compile("EMP-\\d{6}")));
    List<Finding> f = d.find("EMP-123456 is a@b.io, ssn 123-45-6789");
    assertThat(f).extracting(Finding::kind).containsExactly("CUSTOM", "EMAIL");
  }

  @Test
  void redactionNeverLeavesThePii() {
    String card = "4111 1111 1111 1111";
    String iban = "DE89 3704 0044 0532 0130 00";
    String text = "Jane <jane@example.com>, +1 415 555 2671, card " + card + ", IBAN " + iban
        + ", from 203.0.113.9 / 2001:db8::1, SSN 123-45-6789.";
    String out = Redactor.redact(text, ALL.find(text));
    assertThat(out).doesNotContain("jane@example.com", "555 2671", card, "0532", "203.0.113.9", "2001:db8", "6789");
    assertThat(out).isEqualTo("Jane <[REDACTED:EMAIL]>, [REDACTED:PHONE], card [REDACTED:CREDIT_CARD], "
        + "IBAN [REDACTED:IBAN], from [REDACTED:IP_ADDRESS] / [REDACTED:IP_ADDRESS], SSN [REDACTED:US_SSN].");
  }
}
