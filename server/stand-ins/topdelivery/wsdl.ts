import { escapeAttr } from "./soap";
import {
  type Operation,
  PRINT_OPERATIONS,
  type PrintOperation,
  WEBSHOP_OPERATIONS,
  type WebshopOperation,
} from "./reference";

/**
 * The two gates' WSDLs (document/literal, wrapped; `ct…` complex types as TopDelivery names them). A client learns the
 * target namespace, the SOAPAction of every operation and which elements repeat (maxOccurs) from here.
 */

/** SOAPAction of an operation: `<namespace>#<operation>`. */
export function soapActionFor(namespace: string, operation: Operation): string {
  return `${namespace}#${operation}`;
}

type Field = [name: string, type: string, occurs?: "?" | "*" | "+"];

function sequence(fields: Field[]): string {
  const el = ([name, type, occurs]: Field) => {
    const min = occurs === "?" || occurs === "*" ? ' minOccurs="0"' : "";
    const max = occurs === "*" || occurs === "+" ? ' maxOccurs="unbounded"' : "";
    return `<xsd:element name="${name}" type="${type}"${min}${max}/>`;
  };
  return `<xsd:sequence>${fields.map(el).join("")}</xsd:sequence>`;
}

const complexType = (name: string, fields: Field[]) =>
  `<xsd:complexType name="${name}">${sequence(fields)}</xsd:complexType>`;
const element = (name: string, fields: Field[]) =>
  `<xsd:element name="${name}"><xsd:complexType>${sequence(fields)}</xsd:complexType></xsd:element>`;

const S = "xsd:string";
const I = "xsd:int";
const D = "xsd:decimal";

const COMMON_TYPES = [
  complexType("ctAuth", [
    ["login", S],
    ["password", S],
  ]),
  complexType("ctRequestResult", [
    ["status", I],
    ["message", S, "?"],
  ]),
  complexType("ctOrderIdentity", [
    ["orderId", I, "?"],
    ["barcode", S, "?"],
    ["webshopNumber", S, "?"],
  ]),
];

const WEBSHOP_TYPES = [
  complexType("ctTimeInterval", [
    ["bTime", S],
    ["eTime", S],
  ]),
  complexType("ctDesiredDateDelivery", [
    ["date", "xsd:date"],
    ["timeInterval", "tns:ctTimeInterval", "?"],
  ]),
  complexType("ctInCityAddress", [
    ["zipcode", S, "?"],
    ["address", S, "?"],
  ]),
  complexType("ctPickupAddress", [["id", I]]),
  complexType("ctDeliveryAddress", [
    ["type", S],
    ["region", S, "?"],
    ["city", S, "?"],
    ["zipcode", S, "?"],
    ["inCityAddress", "tns:ctInCityAddress", "?"],
    ["pickupAddress", "tns:ctPickupAddress", "?"],
  ]),
  complexType("ctClientInfo", [
    ["fio", S],
    ["phone", S],
    ["email", S, "?"],
    ["comment", S, "?"],
  ]),
  complexType("ctDiscount", [
    ["type", S],
    ["value", D],
  ]),
  complexType("ctClientCosts", [
    ["clientDeliveryCost", D],
    ["recalcDelivery", I, "?"],
    ["discount", "tns:ctDiscount", "?"],
  ]),
  complexType("ctPack", [
    ["need", I],
    ["type", S, "?"],
  ]),
  complexType("ctServices", [
    ["notOpen", I, "?"],
    ["marking", I, "?"],
    ["smsNotify", I, "?"],
    ["forChoise", I, "?"],
    ["places", I],
    ["pack", "tns:ctPack", "?"],
    ["giftPack", "tns:ctPack", "?"],
  ]),
  complexType("ctVolume", [
    ["length", D],
    ["width", D],
    ["height", D],
  ]),
  complexType("ctDeliveryWeight", [
    ["weight", I],
    ["volume", "tns:ctVolume", "?"],
  ]),
  complexType("ctItem", [
    ["name", S],
    ["article", S, "?"],
    ["count", I],
    ["push", I, "?"],
    ["declaredPrice", D],
    ["clientPrice", D],
    ["weight", I, "?"],
    ["vat", S],
  ]),
  complexType("ctAddedOrder", [
    ["serviceType", S],
    ["deliveryType", S],
    ["orderSubtype", S, "?"],
    ["deliveryCostPayAnyway", I, "?"],
    ["webshopNumber", S],
    ["webshopBarcode", S, "?"],
    ["orderUrl", S, "?"],
    ["desiredDateDelivery", "tns:ctDesiredDateDelivery", "?"],
    ["deliveryAddress", "tns:ctDeliveryAddress"],
    ["clientInfo", "tns:ctClientInfo"],
    ["paymentByCard", I, "?"],
    ["clientCosts", "tns:ctClientCosts", "?"],
    ["services", "tns:ctServices"],
    ["deliveryWeight", "tns:ctDeliveryWeight"],
    ["items", "tns:ctItem", "+"],
  ]),
  complexType("ctAddOrdersResult", [
    ["status", I],
    ["message", S, "?"],
    ["orderIdentity", "tns:ctOrderIdentity", "?"],
  ]),
  complexType("ctStatus", [
    ["id", I],
    ["name", S],
  ]),
  complexType("ctDenyParams", [
    ["type", S],
    ["reason", "tns:ctStatus"],
  ]),
  complexType("ctEvent", [
    ["date", "xsd:dateTime"],
    ["status", "tns:ctStatus"],
    ["workStatus", "tns:ctStatus"],
    ["comment", S, "?"],
  ]),
  complexType("ctOrderInfo", [
    ["orderIdentity", "tns:ctOrderIdentity"],
    ["serviceType", S],
    ["deliveryType", S],
    ["orderSubtype", S, "?"],
    ["dateCreate", "xsd:dateTime"],
    ["status", "tns:ctStatus"],
    ["workStatus", "tns:ctStatus"],
    ["denyParams", "tns:ctDenyParams", "?"],
    ["desiredDateDelivery", "tns:ctDesiredDateDelivery", "?"],
    ["clientInfo", "tns:ctClientInfo"],
    ["services", "tns:ctServices"],
    ["deliveryWeight", "tns:ctDeliveryWeight"],
    ["clientFullCost", D],
    ["clientPaid", D],
    ["events", "tns:ctEvent", "*"],
  ]),
  complexType("ctOrdersInfo", [["orderInfo", "tns:ctOrderInfo"]]),
  complexType("ctDateRange", [
    ["from", "xsd:date", "?"],
    ["to", "xsd:date", "?"],
  ]),
  complexType("ctCityRegion", [
    ["regionId", I],
    ["regionName", S],
    ["cityId", I],
    ["cityName", S],
  ]),
];

const WEBSHOP_ELEMENTS: Record<WebshopOperation, [Field[], Field[]]> = {
  addOrders: [
    [
      ["auth", "tns:ctAuth"],
      ["addedOrders", "tns:ctAddedOrder", "+"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["addOrdersResult", "tns:ctAddOrdersResult", "*"],
    ],
  ],
  getOrdersInfo: [
    [
      ["auth", "tns:ctAuth"],
      ["order", "tns:ctOrderIdentity", "+"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["ordersInfo", "tns:ctOrdersInfo", "*"],
    ],
  ],
  getOrdersByParams: [
    [
      ["auth", "tns:ctAuth"],
      ["orderIdentity", "tns:ctOrderIdentity", "?"],
      ["orderStatus", I, "?"],
      ["orderWorkStatus", I, "?"],
      ["dateCreate", "tns:ctDateRange", "?"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["ordersInfo", "tns:ctOrdersInfo", "*"],
    ],
  ],
  deleteOrder: [
    [
      ["auth", "tns:ctAuth"],
      ["orderIdentity", "tns:ctOrderIdentity"],
    ],
    [["requestResult", "tns:ctRequestResult"]],
  ],
  getCitiesRegions: [
    [
      ["auth", "tns:ctAuth"],
      ["regionId", I, "?"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["citiesRegions", "tns:ctCityRegion", "*"],
    ],
  ],
};

const PRINT_ELEMENTS: Record<PrintOperation, [Field[], Field[]]> = {
  printOrderAct: [
    [
      ["auth", "tns:ctAuth"],
      ["orderIdentity", "tns:ctOrderIdentity", "+"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["reportUrl", S, "?"],
    ],
  ],
  printOrderDeliveryList: [
    [
      ["auth", "tns:ctAuth"],
      ["orderIdentity", "tns:ctOrderIdentity", "+"],
    ],
    [
      ["requestResult", "tns:ctRequestResult"],
      ["reportUrl", S, "?"],
    ],
  ],
};

function renderWsdl(
  service: string,
  namespace: string,
  location: string,
  types: string[],
  elements: Record<string, [Field[], Field[]]>,
): string {
  const ns = escapeAttr(namespace);
  const ops = Object.keys(elements) as Operation[];
  const schemaElements = ops.flatMap((op) => [
    element(op, elements[op]![0]),
    element(`${op}Response`, elements[op]![1]),
  ]);
  const messages = ops.map(
    (op) =>
      `<wsdl:message name="${op}Request"><wsdl:part name="parameters" element="tns:${op}"/></wsdl:message>` +
      `<wsdl:message name="${op}Response"><wsdl:part name="parameters" element="tns:${op}Response"/></wsdl:message>`,
  );
  const portOps = ops.map(
    (op) =>
      `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}Request"/>` +
      `<wsdl:output message="tns:${op}Response"/></wsdl:operation>`,
  );
  const bindingOps = ops.map(
    (op) =>
      `<wsdl:operation name="${op}"><soap:operation soapAction="${escapeAttr(soapActionFor(namespace, op))}" style="document"/>` +
      `<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>` +
      `</wsdl:operation>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<wsdl:definitions name="${service}" targetNamespace="${ns}" xmlns:tns="${ns}"`,
    '  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"',
    '  xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `<wsdl:types><xsd:schema targetNamespace="${ns}" elementFormDefault="qualified">`,
    ...types,
    ...schemaElements,
    "</xsd:schema></wsdl:types>",
    ...messages,
    `<wsdl:portType name="${service}PortType">${portOps.join("")}</wsdl:portType>`,
    `<wsdl:binding name="${service}Binding" type="tns:${service}PortType">`,
    '<soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>',
    ...bindingOps,
    "</wsdl:binding>",
    `<wsdl:service name="${service}"><wsdl:port name="${service}Port" binding="tns:${service}Binding">`,
    `<soap:address location="${escapeAttr(location)}"/></wsdl:port></wsdl:service>`,
    "</wsdl:definitions>",
    "",
  ].join("\n");
}

export function webshopWsdl(namespace: string, location: string): string {
  const elements = Object.fromEntries(WEBSHOP_OPERATIONS.map((op) => [op, WEBSHOP_ELEMENTS[op]]));
  return renderWsdl("webshopSoapGate", namespace, location, [...COMMON_TYPES, ...WEBSHOP_TYPES], elements);
}

export function printWsdl(namespace: string, location: string): string {
  const elements = Object.fromEntries(PRINT_OPERATIONS.map((op) => [op, PRINT_ELEMENTS[op]]));
  return renderWsdl("printSoapGate", namespace, location, COMMON_TYPES, elements);
}
