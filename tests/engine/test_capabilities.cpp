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
    for (const char* t : {"F32", "F16", "BF16", "Q8_0", "Q4_0", "TQ1_0", "TQ2_0", "I2_S"})
        QVERIFY2(is_type_supported(t), t);
    // TQ2_0_S32 is internal (what I2_S becomes in memory), never in a file a catalog lists.
    for (const char* t : {"TQ2_0_S32", "TL2", "Q4_K", "Q8_K", "I32", "tq2_0", ""}) QVERIFY2(!is_type_supported(t), t);
    for (const char* a : {"llama", "qwen3moe", "bitnet", "bitnet-b1.58", "bitnet-25"})
        QVERIFY2(is_architecture_supported(a), a);
    for (const char* a : {"falcon", "olmoe", "qwen2moe", "bitnet-b158", ""}) QVERIFY2(!is_architecture_supported(a), a);
    QVERIFY(is_tokenizer_supported("llama"));
    QVERIFY(is_tokenizer_supported("gpt2"));
    QVERIFY(!is_tokenizer_supported("bert"));
    QCOMPARE(supported_type_names().size(), size_t{8});
    QCOMPARE(supported_architecture_names(),
             (std::vector<std::string>{"llama", "qwen3moe", "bitnet", "bitnet-b1.58", "bitnet-25"}));
}

QTEST_APPLESS_MAIN(TestCapabilities)
#include "test_capabilities.moc"
