// SPDX-License-Identifier: MIT
// Publishes a question on the default bus, lets Main.qml (loaded from resources) answer it, and
// prints the answer. Nothing here calls into the QML module's library: like most applications,
// it only uses the module from QML.
#include <DropSlot/DropSlot>

#include <QtCore/QCoreApplication>
#include <QtCore/QJsonObject>
#include <QtCore/QPluginLoader>
#include <QtCore/QTimer>
#include <QtQml/QQmlApplicationEngine>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
#ifdef QMLAPP_EXPECT_STATIC_PLUGIN
    // Linked statically, the plugin must have registered itself for the engine to find.
    const auto plugins = QPluginLoader::staticPlugins();
    const bool imported = std::any_of(plugins.begin(), plugins.end(), [](const QStaticPlugin &p) {
        return p.metaData().value(u"className"_s).toString() == u"DropSlotPlugin"_s;
    });
    if (!imported) {
        std::fprintf(stderr, "qmlapp: the static DropSlot QML plugin was not imported\n");
        return 1;
    }
    std::printf("qmlapp: static plugin DropSlotPlugin imported\n");
#endif
    DropSlot::defaultBus().publish(u"qmlapp/question"_s, 41);

    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(u"qrc:/QmlApp/Main.qml"_s));
    // A guard against a hang, not a synchronisation: Main.qml quits as soon as it answered.
    QTimer::singleShot(10000, &app, [] { QCoreApplication::exit(2); });
    const int rc = app.exec();

    const auto reply = DropSlot::defaultBus().topic(u"qmlapp/reply"_s).latest();
    if (rc != 0 || !reply || reply->toInt() != 42) {
        std::fprintf(stderr, "qmlapp: no reply through the bus (exit code %d)\n", rc);
        return 1;
    }
    std::printf("qmlapp: QML answered %d through the bus\n", reply->toInt());
    return 0;
}
