package store

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// auditPut is the transaction item that writes an audit event. Events are
// only ever created (attribute_not_exists), never updated or deleted. GSI1
// serves "changes by this user", GSI2 "history of this record".
func (s *Store) auditPut(ev domain.AuditEvent) (types.TransactWriteItem, error) {
	pk := pkProgramme(ev.ProgrammeID)
	item, err := record(ev, "audit", keys{
		PK: pk, SK: "AUDIT#" + ev.ID,
		GSI1PK: "AUDITBY#" + ev.ProgrammeID + "#" + ev.ActorEmail, GSI1SK: "AUDIT#" + ev.ID,
		GSI2PK: "HIST#" + string(ev.Entity) + "#" + ev.EntityID, GSI2SK: "AUDIT#" + ev.ID,
	})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

func asTx(err error, tc **txCancelled) bool { return err != nil && errors.As(err, tc) }
