// The engine's self-description matches what it can load.
#include "tern/capabilities.h"

#include <QtTest>

using namespace tern;

class TestCapabilities : public QObject {
    Q_OBJECT
private slots:
    void typesAndArchitectures();
};

void TestCapabilities::typesAndArchitectures() {
    for (const char* t : {"F32", "F16", "BF16", "Q8_0", "Q4_0", "TQ1_0", "TQ2_0"}) QVERIFY2(is_type_supported(t), t);
    for (const char* t : {"I2_S", "Q4_K", "Q8_K", "I32", "tq2_0", ""}) QVERIFY2(!is_type_supported(t), t);
    for (const char* a : {"llama", "qwen3moe", "bitnet"}) QVERIFY2(is_architecture_supported(a), a);
    for (const char* a : {"bitnet-b1.58", "olmoe", "qwen2moe", ""}) QVERIFY2(!is_architecture_supported(a), a);
    QVERIFY(is_tokenizer_supported("llama"));
    QVERIFY(!is_tokenizer_supported("gpt2"));
    QCOMPARE(supported_type_names().size(), size_t{7});
    QCOMPARE(supported_architecture_names(), (std::vector<std::string>{"llama", "qwen3moe", "bitnet"}));
}

QTEST_APPLESS_MAIN(TestCapabilities)
#include "test_capabilities.moc"
