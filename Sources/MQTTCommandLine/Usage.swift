// The `--help` texts, laid out like mosquitto_pub's and mosquitto_sub's, listing the flags Starling's
// tools support.

enum Usage {
    static let common = """
         -c : disable clean session/enable persistent client mode
              When this argument is used, the broker will be instructed not to clean existing sessions
              for the same client id when the client connects, and sessions will never expire when the
              client disconnects.
         -d : enable debug messages.
         -h : mqtt host to connect to. Defaults to localhost.
         -i : id to use for this client. Defaults to an id assigned by the broker.
         -I : define the client id as id_prefix appended with the process id. Useful for when the
              broker is using the clientid_prefixes option.
         -k : keep alive in seconds for this client. Defaults to 60.
         -p : network port to connect to. Defaults to 1883.
         -P : provide a password
         -u : provide a username
         -V : specify the version of the MQTT protocol to use when connecting.
              Can be mqttv311 or mqttv31. Defaults to mqttv311.
         --help : display this message.
         --quiet : don't print error messages.
         --will-payload : payload for the client Will, which is sent by the broker in case of
                          unexpected disconnection. If not given and will-topic is set, a zero
                          length message will be sent.
         --will-qos : QoS level for the client Will.
         --will-retain : if given, make the client Will retained.
         --will-topic : the topic on which to publish the client Will.
        """

    static let pub = """
        starling-pub is a simple mqtt client that will publish a message on a single topic and exit.

        Usage: starling-pub {[-h host] [-p port] [-u username] [-P password] -t topic}
                            {-f file | -l | -n | -m message | -s}
                            [-c] [-k keepalive] [-q qos] [-r]
                            [-i id] [-I id_prefix]
                            [-d] [--quiet]
                            [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]
               starling-pub --help

         -f : send the contents of a file as the message.
         -l : read messages from stdin, sending a separate message for each line.
         -m : message payload to send.
         -n : send a null (zero length) message.
         -q : quality of service level to use for all messages. Defaults to 0.
         -r : message should be retained.
         -s : read message from stdin, sending the entire input as a message.
         -t : mqtt topic to publish to.

        """ + common + "\n"

    static let sub = """
        starling-sub is a simple mqtt client that will subscribe to a set of topics and print all messages it receives.

        Usage: starling-sub {[-h host] [-p port] [-u username] [-P password] -t topic}
                            [-c] [-k keepalive] [-q qos]
                            [-C msg_count] [-E] [-R] [--retained-only] [--remove-retained] [-T filter_out] [-U topic ...]
                            [-F format]
                            [-W timeout_secs]
                            [-i id] [-I id_prefix]
                            [-d] [-N] [--quiet] [-v]
                            [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]
               starling-sub --help

         -C : disconnect and exit after receiving the 'msg_count' messages.
         -E : Exit once all subscriptions have been acknowledged by the broker.
         -F : output format.
         -N : do not add an end of line character when printing the payload.
         -q : quality of service level to use for the subscription. Defaults to 0.
         -R : do not print stale messages (those with retain set).
         -t : mqtt topic to subscribe to. May be repeated multiple times.
         -T : topic string to filter out of results. May be repeated.
         -U : unsubscribe from a topic. May be repeated.
         -v : print published messages verbosely.
         -W : Specifies a timeout in seconds how long to process incoming MQTT messages.
         --retained-only : only handle messages with the retained flag set, and exit when the
                           first non-retained message is received.
         --remove-retained : send a message to the server to clear any received retained messages
                             Use -T to filter out messages you do not want to be cleared.

        """ + common + "\n"
}
