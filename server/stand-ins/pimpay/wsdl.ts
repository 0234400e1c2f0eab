import { CURRENCIES, MONEY_RECIPIENTS, type Operation, soapActionFor, UNIFORM_STATUSES, VAT_VALUES } from "./reference";
import { escapeXml, SOAP_ENC_NS } from "./soap";

/**
 * The stand-in's own WSDL (rpc/encoded, SOAP 1.1), generated from the tables below: only what this stand-in
 * implements. Type, part and field names follow the protocol note so that a WSDL-driven client sees the same shapes.
 */

type Field = [name: string, type: string, optional?: true];

const ENUMS: Record<string, readonly string[]> = {
  uniformPimpayDeliveryStatusType: UNIFORM_STATUSES,
  currencyType: CURRENCIES,
  moneyRecipientType: MONEY_RECIPIENTS,
  VatValueType: VAT_VALUES,
  verificationStatusType: ["pending", "matched", "discarded"],
  resultStatusType: ["ok", "error"],
};

const PATTERNS: Record<string, string> = {
  tinType: "[0-9]{10,12}",
  mobileType: "\\+\\d{11}",
  russianPostIdType: "([A-Z]{2}\\d{9}[A-Z]{2})|(\\d{14})",
};

/** Arrays: name → item type. */
const ARRAYS: Record<string, string> = {
  Orders: "Order",
  OrderItems: "OrderItem",
  DeliveryStatusHistoryItems: "DeliveryStatusHistoryItem",
  OrdersStates: "OrderState",
  OrderItemsStates: "OrderItemState",
  UpsertResultItems: "UpsertResultItem",
  UpdateStateResultItems: "UpdateStateResultItem",
  VerificationRows: "VerificationRow",
  CustomTransactions: "CustomTransaction",
  VerificationErrors: "VerificationError",
  DeliveryServiceInfoResultItems: "DeliveryServiceInfoResultItem",
};

const S = "xsd:string";
const F = "xsd:float";
const B = "xsd:boolean";
const I = "xsd:integer";
const DT = "xsd:dateTime";

const STRUCTS: Record<string, Field[]> = {
  AcceptClientParams: [
    ["legalEntityName", S],
    ["tin", "tns:tinType"],
    ["agreement", S, true],
    ["shopName", S],
    ["email", S],
    ["mobile", "tns:mobileType"],
    ["extra", S, true],
  ],
  ClientInfo: [
    ["tin", "tns:tinType"],
    ["status", S, true],
    ["isMoneyTransferPossible", B],
    ["isActive", B, true],
    ["paymentOrderPurpose", S],
    ["ordersCount", I, true],
  ],
  Order: [
    ["id", S],
    ["tin", "tns:tinType"],
    ["shopExternalId", S, true],
    ["base", "tns:OrderBase"],
    ["createdAt", DT],
    ["destinationAddress", "tns:Address", true],
    ["originAddress", "tns:Address", true],
    ["recipient", "tns:Recipient", true],
    ["items", "tns:OrderItems", true],
    ["agreement", S, true],
    ["moneyRecipient", "tns:moneyRecipientType", true],
    ["deliveryTimeInDays", I, true],
  ],
  OrderBase: [
    ["postId", "tns:russianPostIdType", true],
    ["params", "tns:OrderParams", true],
  ],
  OrderParams: [
    ["currency", "tns:currencyType"],
    ["paymentFromRecipient", F],
    ["declaredOrderCost", F],
    ["estimatedDeliveryCost", F, true],
    ["deliveryService", S],
    ["deliveryServiceExternalId", S],
    ["uniformPimpayDeliveryStatus", "tns:uniformPimpayDeliveryStatusType"],
    ["customDeliveryStatus", S],
    ["deliveryServiceDeliveryStatus", S, true],
    ["originSender", S, true],
    ["paymentMethod", S, true],
    ["returnUtilization", B],
    ["history", "tns:DeliveryStatusHistoryItems"],
  ],
  Address: ["full", "zipcode", "city", "cityId", "kladr", "fias", "region"].map((n): Field => [n, S, true]),
  Recipient: ["fio", "phone", "email"].map((n): Field => [n, S, true]),
  OrderItem: [
    ["id", I, true],
    ["name", S, true],
    ["sku", S, true],
    ["value", F, true],
    ["cost", F, true],
    ["count", I, true],
    ["weight", F, true],
    ["length", F, true],
    ["width", F, true],
    ["height", F, true],
    ["vatValue", "tns:VatValueType", true],
    ["category", S, true],
    ["status", S, true],
  ],
  DeliveryStatusHistoryItem: [
    ["time", DT],
    ["uniformPimpayDeliveryStatus", "tns:uniformPimpayDeliveryStatusType"],
    ["customDeliveryStatus", S],
    ["deliveryServiceDeliveryStatus", S, true],
    ["cityCode", S, true],
  ],
  OrderState: [
    ["id", S],
    ["cost", F, true],
    ["uniformPimpayDeliveryStatus", "tns:uniformPimpayDeliveryStatusType"],
    ["customDeliveryStatus", S],
    ["deliveryServiceDeliveryStatus", S, true],
    ["time", DT, true],
    ["items", "tns:OrderItemsStates", true],
  ],
  OrderItemState: [
    ["id", I, true],
    ["status", S, true],
  ],
  UpsertResultResponse: [
    ["count", I],
    ["orders", "tns:UpsertResultItems"],
  ],
  UpsertResultItem: [
    ["id", S],
    ["status", "tns:resultStatusType"],
    ["errorMessage", S, true],
  ],
  UpdateStateResultResponse: [
    ["count", I],
    ["orders", "tns:UpdateStateResultItems"],
  ],
  UpdateStateResultItem: [
    ["id", S],
    ["status", "tns:resultStatusType"],
    ["errorMessage", S, true],
  ],
  PaymentOrder: [
    ["num", I],
    ["date", "xsd:date"],
    ["sum", F],
  ],
  VerificationStatusResponse: [
    ["id", S],
    ["status", "tns:verificationStatusType"],
    ["errors", "tns:VerificationErrors", true],
  ],
  VerificationError: [["message", S]],
  DeliveryServiceInfoResultResponse: [
    ["count", I],
    ["deliveryServices", "tns:DeliveryServiceInfoResultItems"],
  ],
  DeliveryServiceInfoResultItem: [
    ["code", S],
    ["title", S, true],
  ],
};

/** Parts of each operation's input and output messages. */
const MESSAGES: Record<Operation, { doc: string; input: Field[]; output: Field[] }> = {
  testHeaderSignature: {
    doc: "Проверка подписи X-Request-Signature для токена",
    input: [["token", S]],
    output: [["isVerified", B]],
  },
  getDeliveryServices: {
    doc: "Справочник служб доставки",
    input: [["token", S]],
    output: [["result", "tns:DeliveryServiceInfoResultResponse"]],
  },
  getClient: {
    doc: "Клиент (магазин) по ИНН",
    input: [
      ["token", S],
      ["tin", "tns:tinType"],
    ],
    output: [["clientInfo", "tns:ClientInfo"]],
  },
  acceptClient: {
    doc: "Передать данные клиента (магазина)",
    input: [
      ["token", S],
      ["client", "tns:AcceptClientParams"],
    ],
    output: [["clientInfo", "tns:ClientInfo"]],
  },
  upsertOrders: {
    doc: "Добавить или обновить заказы по id",
    input: [
      ["token", S],
      ["orders", "tns:Orders"],
    ],
    output: [["result", "tns:UpsertResultResponse"]],
  },
  upsertHistoricalOrders: {
    doc: "Добавить или обновить исторические заказы",
    input: [
      ["token", S],
      ["orders", "tns:Orders"],
    ],
    output: [["result", "tns:UpsertResultResponse"]],
  },
  updateStateForOrders: {
    doc: "Обновить статус и стоимость ранее переданных заказов",
    input: [
      ["token", S],
      ["ordersStates", "tns:OrdersStates"],
    ],
    output: [["result", "tns:UpdateStateResultResponse"]],
  },
  sendVerification: {
    doc: "Передать сверку по платёжному поручению",
    input: [
      ["token", S],
      ["tin", "tns:tinType"],
      ["id", S],
      ["paymentOrder", "tns:PaymentOrder"],
      ["rows", "tns:VerificationRows"],
    ],
    output: [["result", B]],
  },
  getVerificationStatus: {
    doc: "Статус переданной сверки",
    input: [
      ["token", S],
      ["id", S],
    ],
    output: [["result", "tns:VerificationStatusResponse"]],
  },
};

const fieldXml = ([name, type, optional]: Field) =>
  `        <xsd:element name="${name}" type="${type}" minOccurs="${optional ? 0 : 1}" maxOccurs="1"/>`;

function schema(): string {
  const out: string[] = [];
  for (const [name, pattern] of Object.entries(PATTERNS))
    out.push(
      `      <xsd:simpleType name="${name}"><xsd:restriction base="xsd:string">` +
        `<xsd:pattern value="${escapeXml(pattern)}"/></xsd:restriction></xsd:simpleType>`,
    );
  for (const [name, values] of Object.entries(ENUMS))
    out.push(
      `      <xsd:simpleType name="${name}"><xsd:restriction base="xsd:string">` +
        values.map((v) => `<xsd:enumeration value="${v}"/>`).join("") +
        `</xsd:restriction></xsd:simpleType>`,
    );
  for (const [name, item] of Object.entries(ARRAYS))
    out.push(
      `      <xsd:complexType name="${name}"><xsd:complexContent><xsd:restriction base="soapenc:Array">` +
        `<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="tns:${item}[]"/>` +
        `</xsd:restriction></xsd:complexContent></xsd:complexType>`,
    );
  for (const [name, fields] of Object.entries(STRUCTS))
    out.push(`      <xsd:complexType name="${name}">\n      <xsd:all>\n${fields.map(fieldXml).join("\n")}\n      </xsd:all>
      </xsd:complexType>`);
  // A verification row carries its data in attributes (oid, ptp, …) and may hold custom transactions.
  out.push(`      <xsd:complexType name="VerificationRow">
        <xsd:sequence><xsd:element name="txs" type="tns:CustomTransactions" minOccurs="0" maxOccurs="1"/></xsd:sequence>
${["oid", "ptp", "pfr", "dc", "cs", "ins", "tsc"]
  .map(
    (a) =>
      `        <xsd:attribute name="${a}" type="${a === "oid" ? S : F}"${["oid", "ptp"].includes(a) ? ' use="required"' : ""}/>`,
  )
  .join("\n")}
      </xsd:complexType>
      <xsd:complexType name="CustomTransaction">
        <xsd:attribute name="val" type="xsd:float" use="required"/>
        <xsd:attribute name="cmt" type="xsd:string" use="required"/>
      </xsd:complexType>`);
  return out.join("\n");
}

const body = `<soap:body use="encoded" namespace="NS" encodingStyle="${SOAP_ENC_NS}"/>`;

export function standInWsdl(namespace: string, endpoint: string): string {
  const ops = Object.entries(MESSAGES) as [Operation, (typeof MESSAGES)[Operation]][];
  const messages = ops
    .flatMap(([op, m]) => [
      [`${op}Request`, m.input],
      [`${op}Response`, m.output],
    ])
    .map(
      ([name, parts]) =>
        `  <wsdl:message name="${name as string}">\n` +
        (parts as Field[]).map(([n, t]) => `    <wsdl:part name="${n}" type="${t}"/>`).join("\n") +
        `\n  </wsdl:message>`,
    )
    .join("\n");
  const portOps = ops
    .map(
      ([op, m]) => `    <wsdl:operation name="${op}">
      <wsdl:documentation>${escapeXml(m.doc)}</wsdl:documentation>
      <wsdl:input message="tns:${op}Request"/>
      <wsdl:output message="tns:${op}Response"/>
    </wsdl:operation>`,
    )
    .join("\n");
  const ns = escapeXml(namespace);
  const bindOps = ops
    .map(
      ([op]) => `    <wsdl:operation name="${op}">
      <soap:operation soapAction="${escapeXml(soapActionFor(op))}" style="rpc"/>
      <wsdl:input>${body.replace("NS", ns)}</wsdl:input>
      <wsdl:output>${body.replace("NS", ns)}</wsdl:output>
    </wsdl:operation>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="PimPayStandIn" targetNamespace="${ns}" xmlns:tns="${ns}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="${SOAP_ENC_NS}">
  <wsdl:documentation>Заглушка PimPay Platform API v2_7 (Курьер-Хаб): только реализованные методы. Каждый запрос
    подписывается: заголовок X-Request-Signature = base64(RSA PKCS#1 v1.5 над байтами тела).</wsdl:documentation>
  <wsdl:types>
    <xsd:schema targetNamespace="${ns}">
      <xsd:import namespace="${SOAP_ENC_NS}"/>
${schema()}
    </xsd:schema>
  </wsdl:types>
${messages}
  <wsdl:portType name="PimPayStandInPortType">
${portOps}
  </wsdl:portType>
  <wsdl:binding name="PimPayStandInBinding" type="tns:PimPayStandInPortType">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
${bindOps}
  </wsdl:binding>
  <wsdl:service name="PimPayStandInService">
    <wsdl:port name="PimPayStandInPort" binding="tns:PimPayStandInBinding">
      <soap:address location="${escapeXml(endpoint)}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
}
